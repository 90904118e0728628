import { describe, expect, it } from "vitest";
import { pageLinks, pageOf } from "./pagination";

describe("a page of a long list", () => {
  it("names the rows shown and keeps a page number in range", () => {
    expect(pageOf(undefined, 2800, 100)).toMatchObject({ page: 1, pages: 28, offset: 0, from: 1, to: 100 });
    expect(pageOf("28", 2800, 100)).toMatchObject({ page: 28, offset: 2700, from: 2701, to: 2800 });
    expect(pageOf("99", 2800, 100)).toMatchObject({ page: 28 });
    expect(pageOf("0", 2800, 100)).toMatchObject({ page: 1 });
    for (const hostile of ["-3", "abc", "1e3", "2.5", "9".repeat(40)]) expect(pageOf(hostile, 2800, 100).page).toBe(1);
    expect(pageOf("1", 0, 100)).toMatchObject({ page: 1, pages: 1, from: 0, to: 0 });
  });

  it("links the first, the last and two either side of the current page", () => {
    expect(pageLinks({ page: 1, pages: 1 })).toEqual([1]);
    expect(pageLinks({ page: 1, pages: 28 })).toEqual([1, 2, 3, null, 28]);
    expect(pageLinks({ page: 14, pages: 28 })).toEqual([1, null, 12, 13, 14, 15, 16, null, 28]);
    expect(pageLinks({ page: 4, pages: 5 })).toEqual([1, 2, 3, 4, 5]);
  });
});
