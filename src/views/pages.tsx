/**
 * The simple pages: welcome, about, hello, blog post, and the error pages.
 * @module
 */
import { urlFor } from '../routes/names.js';

export function IndexPage() {
  return (
    <section>
      <h1>Welcome to Stock Portfolio!</h1>
      <p>Record the stocks you bought and see what they cost you, all without an account.</p>
      <p class="actions">
        <a class="button" href={urlFor('add_stock')}>
          Add a stock
        </a>
        <a class="button secondary" href={urlFor('list_stocks')}>
          See your portfolio
        </a>
      </p>
      <p>
        <a href={urlFor('about')}>How does it work?</a>
      </p>
    </section>
  );
}

export function AboutPage() {
  return (
    <section>
      <h1>About</h1>
      <p>
        Stock Portfolio keeps your holdings in a session cookie in your browser. The cookie is
        <strong> signed, not encrypted</strong>: you (and anyone with access to this browser) can read it, but
        nobody can change it without the server noticing. Another browser is another portfolio.
      </p>
      <p>Do not enter anything you would not want written on a note stuck to your screen.</p>
    </section>
  );
}

export function HelloPage(props: { message: string }) {
  return (
    <section>
      <h1>Welcome {props.message}!</h1>
    </section>
  );
}

export function BlogPostPage(props: { postId: number }) {
  return (
    <section>
      <h1>Blog Post #{props.postId}</h1>
      <p>Blog posts are not written yet.</p>
    </section>
  );
}

/** An error page: a heading, what happened, and what to do next. */
export function ErrorPage(props: { heading: string; message: string; detail?: string | undefined }) {
  return (
    <section class="error-page">
      <h1>{props.heading}</h1>
      <p>{props.message}</p>
      {props.detail !== undefined && <pre class="error-detail">{props.detail}</pre>}
      <p>
        <a href={urlFor('index')}>Back to the home page</a>
      </p>
    </section>
  );
}
