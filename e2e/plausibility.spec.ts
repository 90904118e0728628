import { saveAnswer } from "@/db/answers";
import { addEvidence } from "@/db/evidence";
import { submitModule } from "@/db/submissions";
import { createTestRound, createUser, expect, itemIdOf, type TestUser, test, testDb, visit } from "./fixtures";
import { zh } from "./messages";
import { item, replyToQuery } from "./pages/questionnaire";
import { returnModule } from "./pages/review";

/** Seven prefecture-level cities of the east: one peer group. */
const CITIES = ["changzhou", "xuzhou", "zhenjiang", "lianyungang", "jiaxing", "jinhua", "huaian"];

/** Module Q of the all-types framework, answered (Q1.1 as given) with evidence and submitted, as the city would. */
function submitWith(roundId: number, staff: TestUser, fibre: number) {
  const db = testDb();
  const user = { ...staff, locale: "zh-CN" as const };
  const values: Record<string, unknown> = {
    "Q1.1": fibre,
    "Q1.2": true,
    "Q1.3": "built",
    "Q1.4": ["people"],
    "Q1.5": "https://data.example.gov.cn",
    "Q1.6": "说明",
  };
  for (const [code, value] of Object.entries(values))
    expect(
      saveAnswer(db, user, { itemId: itemIdOf(roundId, code), baseRevision: 0, value, notApplicableReason: null }).ok,
    ).toBe(true);
  for (const code of ["Q1.1", "Q1.2"])
    addEvidence(db, user, itemIdOf(roundId, code), { kind: "url", url: `https://stats.example.gov.cn/${code}` });
  const submitted = submitModule(db, user, roundId, "Q");
  if (!submitted.ok) throw new Error(`submit: ${submitted.reason}`);
}

test("a reviewer sees a flag on an outlying value, sends the drafted query, and the city answers it", async ({
  pageFor,
}) => {
  test.slow(); // seven cities submit first
  const { roundId, reviewer } = await createTestRound(CITIES);
  const staff: Record<string, TestUser> = {};
  for (const [n, code] of CITIES.entries()) {
    staff[code] = await createUser("city_staff", code);
    // Six ordinary values around 60 %, and Huai'an's 5 %.
    submitWith(roundId, staff[code], code === "huaian" ? 5 : [58, 60, 61, 62, 63, 65][n]!);
  }

  // The queue counts the flag on Huai'an's module only.
  const reviewerPage = await pageFor(reviewer);
  await visit(reviewerPage, "/review");
  const huaian = reviewerPage.getByRole("row", { name: /淮安/ });
  await expect(huaian).toContainText(zh("review.flagsCount", { count: 1 }));
  await expect(reviewerPage.getByRole("row", { name: /常州/ })).not.toContainText(
    zh("review.flagsCount", { count: 1 }),
  );

  // The review screen says what stands out, with the numbers, and drafts the query.
  await huaian.getByRole("link", { name: "淮安" }).click();
  const flag = reviewerPage.getByTestId("flag-peer-Q1.1");
  await expect(flag).toContainText("比同类城市中位数（61.5）低 91.87%（同类 6 个城市，范围 58–65）");
  await flag.getByRole("button", { name: zh("review.flags.draftQuery") }).click();
  const query = flag.getByLabel(zh("review.flags.queryLabel"));
  // The draft names the city's own figure, never the other cities' median or range.
  await expect(query).toHaveValue(
    "请核实Q1.1 光纤覆盖率：本次填报 5%，明显低于同类城市的一般水平。请说明数据来源和统计口径，如有误请更正。",
  );
  await query.fill("请核实Q1.1：5% 远低于同类城市（中位数 61.5%），是否把“户”误填为“万户”？");
  await flag.getByRole("button", { name: zh("review.flags.sendQuery") }).click();
  await expect(reviewerPage.getByTestId("decision-Q1.1")).toHaveText(zh("review.decided.query"));
  await returnModule(reviewerPage);

  // The city reads the query on the item and answers it.
  const cityPage = await pageFor(staff.huaian!);
  await visit(cityPage, `/rounds/${roundId}/cities/huaian/modules/Q`);
  await expect(item(cityPage, "Q1.1").getByRole("note")).toContainText("是否把“户”误填为“万户”");
  await replyToQuery(cityPage, "Q1.1", "已核实：统计口径有误，已更正为 58%。");
});
