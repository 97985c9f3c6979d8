/**
 * The security headers every response carries (CSP, framing, referrer, permissions), one policy
 * for the whole app.
 * @module
 */
/**
 * Browser features the app never uses, denied to it and to anything it could ever embed
 * (`feature=()`). Current names: `browsing-topics` replaced the obsolete `interest-cohort`.
 */
const DENIED_FEATURES = [
  'accelerometer',
  'autoplay',
  'bluetooth',
  'browsing-topics',
  'camera',
  'display-capture',
  'encrypted-media',
  'fullscreen',
  'geolocation',
  'gyroscope',
  'hid',
  'identity-credentials-get',
  'idle-detection',
  'local-fonts',
  'magnetometer',
  'microphone',
  'midi',
  'otp-credentials',
  'payment',
  'picture-in-picture',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'usb',
  'web-share',
  'window-management',
  'xr-spatial-tracking',
] as const;

/**
 * The security headers every response carries, computed once at start-up. They are the headers
 * (and values) Hono's `secureHeaders` middleware sent with this policy, written out: that
 * middleware sets 13 headers on every response after the handler, which turns the response's
 * headers into undici `Headers` (25 µs a request); this object is copied into each response's
 * plain header object instead (`web/response.ts`). `security-headers.test.ts` holds it equal to
 * what `secureHeaders` sends.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy':
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  'Permissions-Policy': DENIED_FEATURES.map((feature) => `${feature}=()`).join(', '),
  'Referrer-Policy': 'same-origin',
  'Strict-Transport-Security': 'max-age=15552000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Frame-Options': 'DENY',
  'X-Permitted-Cross-Domain-Policies': 'none',
  'X-XSS-Protection': '0',
});
