/** Mosaic's mark: four tiles. */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <rect x="2" y="2" width="13" height="13" rx="3" fill="#1677ff" />
      <rect x="17" y="2" width="13" height="13" rx="3" fill="#69b1ff" />
      <rect x="2" y="17" width="13" height="13" rx="3" fill="#91caff" />
      <rect x="17" y="17" width="13" height="13" rx="3" fill="#0958d9" />
    </svg>
  );
}
