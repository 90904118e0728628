/**
 * bench/robustness — `npm run bench:robustness`.
 * Method robustness (lib/scoring/robustness.ts) of a 2,800-unit ranking: 5,000 draws of the module weights
 * (±20 %) plus the removal of each of 18 indicators. Target < 10 s on this machine. Prints figures only.
 */
import { type RobustnessInput, robustness } from "@/lib/scoring/robustness";
import { fmt } from "./lib";

const UNITS = 2800;
const MODULES = 5;
const INDICATORS = 18;

// Deterministic made-up points: module scores spread like the 2019 figures (hundredths), indicators summing to them.
let state = 12345;
const next = () => {
  state = (state * 1103515245 + 12345) % 2 ** 31;
  return state / 2 ** 31;
};
const cities = Array.from({ length: UNITS }, (_, id) => {
  const modules = Array.from({ length: MODULES }, () => Math.round(600 + next() * 1400));
  const indicators = Array.from({ length: INDICATORS }, (_, k) => Math.round(modules[k % MODULES]! / 4));
  return { id, modules, indicators, total: modules.reduce((a, b) => a + b, 0) };
});
const sorted = [...cities].sort((a, b) => b.total - a.total);
const rankOf = new Map(sorted.map((c, i) => [c.id, i + 1]));
const input: RobustnessInput = {
  cities: cities.map((c) => ({ id: c.id, rank: rankOf.get(c.id)!, modules: c.modules, indicators: c.indicators })),
  indicatorCodes: Array.from({ length: INDICATORS }, (_, k) => `X${k + 1}`),
};

for (let run = 1; run <= 3; run++) {
  const start = performance.now();
  const report = robustness(input, { draws: 5000, spread: 0.2, seed: 2019 + run });
  const seconds = (performance.now() - start) / 1000;
  const widest = Math.max(...report.cities.map((c) => c.width));
  console.log(
    `run ${run}: ${UNITS} units × 5,000 draws + ${INDICATORS} removals in ${fmt(seconds, 2)} s (rho mean ${fmt(report.rho.mean, 4)}, widest 90 % interval ${widest} ranks)  target < 10 s`,
  );
}
