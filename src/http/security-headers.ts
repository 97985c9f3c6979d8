/**
 * The security headers every response carries (CSP, framing, referrer, permissions), one policy
 * for the whole app.
 * @module
 */
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * Browser features the app never uses, denied to it and to anything it could ever embed
 * (`feature=()`). Current names: `browsing-topics` replaced the obsolete `interest-cohort`.
 */
const PERMISSIONS_POLICY = Object.freeze(
  Object.fromEntries(
    (
      [
        'accelerometer',
        'autoplay',
        'bluetooth',
        'browsingTopics',
        'camera',
        'displayCapture',
        'encryptedMedia',
        'fullscreen',
        'geolocation',
        'gyroscope',
        'hid',
        'identityCredentialsGet',
        'idleDetection',
        'localFonts',
        'magnetometer',
        'microphone',
        'midi',
        'otpCredentials',
        'payment',
        'pictureInPicture',
        'publickeyCredentialsGet',
        'screenWakeLock',
        'serial',
        'usb',
        'webShare',
        'windowManagement',
        'xrSpatialTracking',
      ] as const
    ).map((feature) => [feature, [] as never[]]),
  ),
);

/** The middleware that sets the app's security headers on every response. */
export function securityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
    referrerPolicy: 'same-origin',
    xFrameOptions: 'DENY',
    permissionsPolicy: PERMISSIONS_POLICY,
  });
}
