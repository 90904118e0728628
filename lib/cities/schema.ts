import { z } from "zod";
import { CITY_TIERS, REGIONS } from "@/lib/domain";

/** One city, as in data/cities.json and the admin's city form. */
export const citySchema = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9-]*$/, { error: "cityCodeInvalid" })
    .max(40, { error: "tooLong" }),
  nameZh: z.string().trim().min(1, { error: "required" }).max(40, { error: "tooLong" }),
  nameEn: z.string().trim().min(1, { error: "required" }).max(80, { error: "tooLong" }),
  provinceZh: z.string().trim().min(1, { error: "required" }).max(40, { error: "tooLong" }),
  provinceEn: z.string().trim().min(1, { error: "required" }).max(80, { error: "tooLong" }),
  region: z.enum(REGIONS, { error: "chooseOne" }),
  tier: z.enum(CITY_TIERS, { error: "chooseOne" }),
  confirmed: z.boolean().default(true),
});
export type CityInput = z.input<typeof citySchema>;

export const cityFileSchema = z.array(citySchema).superRefine((cities, ctx) => {
  const seen = new Set<string>();
  cities.forEach((city, i) => {
    if (seen.has(city.code))
      ctx.addIssue({ code: "custom", path: [i, "code"], message: `duplicate city code ${city.code}` });
    seen.add(city.code);
  });
});

export type CitySeed = z.output<typeof cityFileSchema>[number];
