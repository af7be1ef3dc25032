import type { INestApplication } from '@nestjs/common';
import { CalibrationsService, DevicesService, SHIPPED_PREDICTORS } from '@tailor/engine';
import type { LocalFarm } from './local-farm';

/** What `serve --agents` calibrates each local device with: the README's defaults. */
export const LOCAL_CALIBRATION = { samples: 10, validationArchs: 5 } as const;

const DEVICE_POLL_MS = 250;

export interface LocalCalibrationOptions {
  /** How long to wait for an agent to register and its device to appear. */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
  readonly warn?: (line: string) => void;
}

/**
 * `serve --agents N`: once each local agent has registered, calibrates its device for every space
 * Tailor ships a predictor for (fmnist-mbv3), unless the device already has a calibration for the
 * space's newest predictor. Runs in the background; a failure is logged per device, never thrown.
 */
export async function calibrateLocalDevices(
  app: INestApplication,
  farm: LocalFarm,
  opts: LocalCalibrationOptions = {},
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const log = opts.log ?? ((line: string) => console.log(line));
  const warn = opts.warn ?? ((line: string) => console.error(line));
  const calibrations = app.get(CalibrationsService);
  const devices = app.get(DevicesService);
  await Promise.all(
    farm.agents.map(async (_, index) => {
      let deviceId: string | undefined;
      try {
        deviceId = await farm.deviceId(index, timeoutMs);
        await waitForDevice(devices, deviceId, timeoutMs);
        for (const { searchSpace } of SHIPPED_PREDICTORS) {
          const r = await calibrations.ensureCalibrated(deviceId, { searchSpace, ...LOCAL_CALIBRATION });
          if (r.state === 'no-predictor')
            log(`local device ${deviceId}: no trained ${searchSpace} predictor, not calibrated`);
          else if (r.state === 'queued')
            log(
              `calibrating local device ${deviceId} for ${searchSpace} v${r.predictorVersion} (calibration ${r.calibrationId})`,
            );
          else if (r.state === 'pending')
            log(`local device ${deviceId}: ${searchSpace} calibration ${r.calibrationId} already under way`);
          else
            log(
              `local device ${deviceId} is calibrated for ${searchSpace} v${r.predictorVersion} (calibration ${r.calibrationId})`,
            );
        }
      } catch (err) {
        warn(
          `local device ${deviceId ?? `of agent ${index + 1}`} not calibrated: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }),
  );
}

/** The agent saves its state once registered, so the device is normally known already. */
async function waitForDevice(devices: DevicesService, deviceId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await devices.get(deviceId);
    } catch (err) {
      if ((err as { code?: string }).code !== 'NOT_FOUND' || Date.now() > deadline) throw err;
    }
    await new Promise((r) => setTimeout(r, DEVICE_POLL_MS));
  }
}
