import { scoreCalibration } from './calibration-runner';

const estimate = (ms: number, low: number, high: number) => ({ ms, low, high, uncertainty: 0.1 });

describe('scoreCalibration', () => {
  it('scores ranks, errors and how many held-out latencies fall inside the 90 % interval', () => {
    const quality = scoreCalibration(
      [estimate(10, 9, 11), estimate(20, 18, 22), estimate(30, 27, 33), estimate(40, 36, 44)],
      [10.5, 19, 36, 45],
    );
    expect(quality).toMatchObject({ validationArchs: 4, spearman: 1, intervalCoverage: 0.5, within10: 0.5 });
    expect(quality.mape).toBeCloseTo((0.5 / 10.5 + 1 / 19 + 6 / 36 + 5 / 45) / 4, 10);
  });

  it('reports no scores with fewer than 2 held-out archs', () => {
    expect(scoreCalibration([estimate(10, 9, 11)], [10])).toEqual({
      validationArchs: 1,
      spearman: null,
      kendall: null,
      mape: null,
      within10: null,
      intervalCoverage: null,
    });
  });
});
