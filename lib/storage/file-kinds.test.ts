import { describe, expect, it } from "vitest";
import { cleanFileName, downloadName } from "./file-kinds";

describe("downloadName", () => {
  it("takes the extension from the detected type, never from the uploader", () => {
    expect(downloadName("证明材料.bat", "application/pdf")).toBe("证明材料.pdf");
    expect(downloadName("evidence.html", "application/pdf")).toBe("evidence.pdf");
    expect(downloadName("x.html", "image/png")).toBe("x.png");
    expect(downloadName("photo.JPEG", "image/jpeg")).toBe("photo.jpg");
    expect(downloadName("报表.xls", "application/vnd.ms-excel")).toBe("报表.xls");
    expect(downloadName("no-extension", "application/pdf")).toBe("no-extension.pdf");
    expect(downloadName(".pdf", "application/pdf")).toBe("evidence.pdf");
    expect(downloadName(null, "application/zip")).toBe("evidence.zip");
    expect(downloadName("unknown", "application/x-something")).toBe("unknown.bin");
  });

  it("removes bidirectional overrides, control characters and paths", () => {
    expect(downloadName("invoice\u202Efdp.exe", "application/pdf")).toBe("invoicefdp.pdf");
    expect(downloadName("a\u2066b\u2069c\u200F.pdf", "application/pdf")).toBe("abc.pdf");
    expect(downloadName("../../etc/passwd", "application/pdf")).toMatch(/^[^/\\.][^/\\]*\.pdf$/);
    expect(cleanFileName("  报告\r\n第一部分\u0000.pdf  ")).toBe("报告第一部分.pdf");
    expect(cleanFileName("tab\there.pdf")).toBe("tabhere.pdf");
    expect(cleanFileName("\u202E")).toBe("");
  });
});
