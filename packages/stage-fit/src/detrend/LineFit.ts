/** A straight line `intercept + slope · x` fitted by ordinary least squares, with what pooling needs of it. */
export interface LineFit {
  intercept: number;
  slope: number;
  /** Points used. */
  n: number;
  meanX: number;
  meanY: number;
  /** Σ (x − x̄)²: the slope's precision is Sxx / σ². */
  sxx: number;
  /** Σ residual², the residual degrees of freedom being n − 2. */
  sse: number;
}

/** OLS of y on x; the slope is NaN when x does not vary (fewer than two distinct x). */
export function fitLine(x: ArrayLike<number>, y: ArrayLike<number>): LineFit {
  const n = x.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i] as number;
    sy += y[i] as number;
  }
  const meanX = sx / n;
  const meanY = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - meanX;
    sxx += dx * dx;
    sxy += dx * ((y[i] as number) - meanY);
  }
  const slope = sxx > 0 ? sxy / sxx : Number.NaN;
  const intercept = meanY - slope * meanX;
  let sse = 0;
  if (sxx > 0) {
    for (let i = 0; i < n; i++) {
      const r = (y[i] as number) - intercept - slope * (x[i] as number);
      sse += r * r;
    }
  }
  return { intercept, slope, n, meanX, meanY, sxx, sse };
}

/** The line with a given slope through the mean point of (x, y): the least-squares intercept for that slope. */
export function fitLineWithSlope(x: ArrayLike<number>, y: ArrayLike<number>, slope: number): LineFit {
  const line = fitLine(x, y);
  const intercept = line.meanY - slope * line.meanX;
  let sse = 0;
  for (let i = 0; i < x.length; i++) {
    const r = (y[i] as number) - intercept - slope * (x[i] as number);
    sse += r * r;
  }
  return { ...line, intercept, slope, sse };
}
