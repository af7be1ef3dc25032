export {
  type FmnistArch,
  type FmnistMbv3Space,
  type FmnistWidth,
  createFmnistMbv3Space,
} from './fmnist-mbv3.space';
