/**
 * A small bar chart drawn as SVG: one bar per day. The figures are also in a visually hidden table,
 * so a screen reader gets the numbers rather than a picture.
 */
export function BarChart({
  label,
  points,
}: {
  label: string;
  points: { key: string; value: number; text: string }[];
}) {
  const width = 600;
  const height = 160;
  const most = Math.max(1, ...points.map((p) => p.value));
  const bar = width / Math.max(1, points.length);
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={label}
        preserveAspectRatio="none"
      >
        {points.map((p, i) => {
          const h = (p.value / most) * (height - 4);
          return (
            <rect
              key={p.key}
              x={i * bar + 1}
              y={height - h}
              width={Math.max(1, bar - 2)}
              height={h}
              rx={2}
            >
              <title>
                {p.key}: {p.text}
              </title>
            </rect>
          );
        })}
      </svg>
      <table className="visually-hidden">
        <caption>{label}</caption>
        <tbody>
          {points.map((p) => (
            <tr key={p.key}>
              <th scope="row">{p.key}</th>
              <td>{p.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
