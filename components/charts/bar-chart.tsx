import { scaleBand, scaleLinear } from "d3-scale";

export type Bar = { label: string; value: number; display?: string; highlight?: boolean };

/** A vertical bar chart rendered as SVG on the server, so that it prints. */
export function BarChart({
  bars,
  max,
  title,
  width = 640,
  height = 240,
}: {
  bars: Bar[];
  max: number;
  title: string;
  width?: number;
  height?: number;
}) {
  const margin = { top: 20, right: 8, bottom: 36, left: 8 };
  const x = scaleBand<string>()
    .domain(bars.map((b) => b.label))
    .range([margin.left, width - margin.right])
    .padding(0.2);
  const y = scaleLinear()
    .domain([0, max || 1])
    .range([height - margin.bottom, margin.top]);
  return (
    <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} className="h-auto w-full">
      <title>{title}</title>
      <line x1={margin.left} x2={width - margin.right} y1={y(0)} y2={y(0)} stroke="#cbd5e1" />
      {bars.map((b) => (
        <g key={b.label}>
          <rect
            x={x(b.label)}
            y={y(b.value)}
            width={x.bandwidth()}
            height={y(0) - y(b.value)}
            rx={2}
            fill={b.highlight ? "#1d4ed8" : "#60a5fa"}
          />
          <text
            x={(x(b.label) ?? 0) + x.bandwidth() / 2}
            y={y(b.value) - 4}
            textAnchor="middle"
            fontSize={11}
            fill="#334155"
          >
            {b.display ?? b.value}
          </text>
          <text
            x={(x(b.label) ?? 0) + x.bandwidth() / 2}
            y={height - margin.bottom + 16}
            textAnchor="middle"
            fontSize={11}
            fill="#475569"
          >
            {b.label}
          </text>
        </g>
      ))}
    </svg>
  );
}
