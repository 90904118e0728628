import { z } from "zod";

const optionalId = z.preprocess(
  (v) => (v === "" || v === undefined ? undefined : v),
  z.coerce.number().int().positive().optional(),
);
const optionalDate = z.preprocess((v) => (v === "" || v === undefined ? undefined : v), z.iso.date().optional());

/** The audit viewer's filter, read from the query string (shared by the page and the CSV export). */
export const auditFilterSchema = z.object({
  round: optionalId,
  city: optionalId,
  user: optionalId,
  action: z.string().trim().max(60).optional(),
  from: optionalDate,
  to: optionalDate,
});

export function toAuditFilter(input: z.output<typeof auditFilterSchema>) {
  return {
    roundId: input.round,
    cityId: input.city,
    actorId: input.user,
    action: input.action || undefined,
    from: input.from ? new Date(`${input.from}T00:00:00+08:00`) : undefined,
    // the whole "to" day, in China Standard Time
    to: input.to ? new Date(`${input.to}T23:59:59.999+08:00`) : undefined,
  };
}
