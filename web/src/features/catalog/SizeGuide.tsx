/** Body measurements per size, in centimetres; shown for clothing, not for one-size accessories. */
const apparel = [
  ['XS', '80–86', '64–70'],
  ['S', '86–94', '70–78'],
  ['M', '94–102', '78–86'],
  ['L', '102–110', '86–94'],
  ['XL', '110–118', '94–102'],
  ['XXL', '118–128', '102–112'],
];

export function SizeGuide({ category }: { category: string }) {
  if (/bag|cap|hat|accessor/.test(category)) return null;
  return (
    <details className="size-guide">
      <summary>Size guide</summary>
      <table>
        <caption className="visually-hidden">Body measurements in centimetres</caption>
        <thead>
          <tr>
            <th scope="col">Size</th>
            <th scope="col">Chest (cm)</th>
            <th scope="col">Waist (cm)</th>
          </tr>
        </thead>
        <tbody>
          {apparel.map(([size, chest, waist]) => (
            <tr key={size}>
              <th scope="row">{size}</th>
              <td>{chest}</td>
              <td>{waist}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>Between sizes? Choose the larger for a relaxed fit.</p>
    </details>
  );
}
