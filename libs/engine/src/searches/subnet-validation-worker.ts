import { answerInThread } from '../threads/worker-thread';
import { validateSubnets } from './subnet-validation';

/** Entry of the validation thread (see subnet-validation.ts). No database, no Nest. */
answerInThread(validateSubnets);
