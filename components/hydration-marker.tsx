"use client";

import { useEffect } from "react";

/**
 * Marks the document once React has hydrated it (the root has no Suspense boundaries, so this effect runs
 * after every part of the page is interactive). Before that, a click on a button with a handler does nothing;
 * the end-to-end tests wait for the mark after each full page load instead of for time.
 */
export function HydrationMarker() {
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return null;
}
