import { z } from "zod";
import { CITY_TIERS, REGIONS } from "@/db/schema";

export const cityFileSchema = z
  .array(
    z.object({
      code: z.string().regex(/^[a-z][a-z-]*$/),
      nameZh: z.string().trim().min(1),
      nameEn: z.string().trim().min(1),
      provinceZh: z.string().trim().min(1),
      provinceEn: z.string().trim().min(1),
      region: z.enum(REGIONS),
      tier: z.enum(CITY_TIERS),
      confirmed: z.boolean(),
    }),
  )
  .superRefine((cities, ctx) => {
    const seen = new Set<string>();
    cities.forEach((city, i) => {
      if (seen.has(city.code)) ctx.addIssue({ code: "custom", path: [i, "code"], message: `duplicate city code ${city.code}` });
      seen.add(city.code);
    });
  });

export type CitySeed = z.output<typeof cityFileSchema>[number];
