import { curveLinearClosed, lineRadial } from "d3-shape";

export type RadarSeries = { name: string; values: number[]; color: string };

/** A radar chart of shares (0–1) per axis, rendered as SVG on the server, with a legend of its series. */
export function RadarChart({
  axes,
  series,
  title,
  size = 320,
}: {
  axes: string[];
  series: RadarSeries[];
  title: string;
  size?: number;
}) {
  const radius = size / 2 - 48;
  const angle = (i: number) => (i / axes.length) * 2 * Math.PI;
  const path = (values: number[]) =>
    lineRadial<number>()
      .angle((_, i) => angle(i))
      .radius((v) => Math.max(0, Math.min(1, v)) * radius)
      .curve(curveLinearClosed)(values) ?? "";
  return (
    <figure className="max-w-sm">
      <svg
        viewBox={`${-size / 2} ${-size / 2} ${size} ${size}`}
        role="img"
        aria-label={title}
        className="h-auto w-full max-w-sm"
      >
        <title>{title}</title>
        {[0.25, 0.5, 0.75, 1].map((r) => (
          <path key={r} d={path(axes.map(() => r))} fill="none" stroke="#e2e8f0" />
        ))}
        {axes.map((label, i) => {
          const x = Math.sin(angle(i)) * (radius + 24);
          const y = -Math.cos(angle(i)) * (radius + 24);
          return (
            <g key={label}>
              <line x1={0} y1={0} x2={Math.sin(angle(i)) * radius} y2={-Math.cos(angle(i)) * radius} stroke="#e2e8f0" />
              <text x={x} y={y} textAnchor="middle" dominantBaseline="middle" fontSize={11} fill="#334155">
                {label}
              </text>
            </g>
          );
        })}
        {series.map((s) => (
          <path key={s.name} d={path(s.values)} fill={s.color} fillOpacity={0.15} stroke={s.color} strokeWidth={2} />
        ))}
      </svg>
      <figcaption>
        <ul aria-label={title} className="mt-1 flex flex-wrap justify-center gap-4 text-xs text-slate-700">
          {series.map((s) => (
            <li key={s.name} className="flex items-center gap-1.5">
              <span
                aria-hidden
                className="inline-block h-2.5 w-4 rounded-sm border-2"
                style={{ borderColor: s.color, backgroundColor: `${s.color}26` }}
              />
              {s.name}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
