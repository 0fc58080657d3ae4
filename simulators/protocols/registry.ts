import type { DeviceKind } from '../../services/shared/envelope.ts';
import { openCameraProtocol } from './camera/protocol-plugin.ts';
import { openDoorProtocol } from './door/protocol-plugin.ts';
import { openDrainProtocol } from './drain/protocol-plugin.ts';
import type { OpenProtocolKind } from './protocol-kind.ts';

/**
 * Device kinds whose simulated devices speak their real protocol in
 * `OC_SIMULATE=protocols`. A kind missing here is fed by the behaviour model
 * straight into its edge agent, as in `agents` mode. Once all three kinds are
 * here, `npm start` (OC_SIMULATE=true) runs in protocols mode by itself.
 */
export const PROTOCOL_KINDS: Partial<Record<DeviceKind, OpenProtocolKind>> = {
  camera: openCameraProtocol,
  door: openDoorProtocol,
  drain: openDrainProtocol,
};
