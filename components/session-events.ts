"use client";

/**
 * Tells the page that the session ended while work was unsaved (a request got 401), and that the person
 * signed in again, so that whatever waited is sent. Browser events: any component may announce or listen.
 */
const ENDED = "cityeval:session-ended";
const RESUMED = "cityeval:session-resumed";

export function announceSessionEnded() {
  window.dispatchEvent(new Event(ENDED));
}

export function announceSessionResumed() {
  window.dispatchEvent(new Event(RESUMED));
}

export function onSessionEnded(listener: () => void): () => void {
  window.addEventListener(ENDED, listener);
  return () => window.removeEventListener(ENDED, listener);
}

export function onSessionResumed(listener: () => void): () => void {
  window.addEventListener(RESUMED, listener);
  return () => window.removeEventListener(RESUMED, listener);
}
