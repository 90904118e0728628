/**
 * The data files CityEval ships with, versioned like code: the framework of each year (data/frameworks/<year>.json)
 * and the cities (data/cities.json), each checked against its schema when read.
 */
import "server-only";
import fs from "node:fs";
import path from "node:path";
import { cityFileSchema } from "@/lib/cities/schema";
import type { FrameworkFile } from "@/lib/framework/schema";
import { validateFramework } from "@/lib/framework/validate";

function readJson(relative: string): unknown {
  return JSON.parse(fs.readFileSync(path.resolve(process.cwd(), relative), "utf8"));
}

export function loadFrameworkFile(year: number): FrameworkFile {
  const result = validateFramework(readJson(`data/frameworks/${year}.json`));
  if (!result.ok) {
    const list = result.problems.map((p) => `${p.at}: ${p.key} ${JSON.stringify(p.params ?? {})}`).join("\n");
    throw new Error(`data/frameworks/${year}.json is invalid:\n${list}`);
  }
  return result.framework;
}

/** Years that have a framework file in data/frameworks. */
export function listFrameworkYears(): number[] {
  return fs
    .readdirSync(path.resolve(process.cwd(), "data/frameworks"))
    .flatMap((file) => (/^\d{4}\.json$/.test(file) ? [Number(file.slice(0, 4))] : []))
    .sort((a, b) => b - a);
}

export function loadCityFile() {
  return cityFileSchema.parse(readJson("data/cities.json"));
}
