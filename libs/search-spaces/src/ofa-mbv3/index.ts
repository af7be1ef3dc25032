export { type OfaArch, type OfaMbv3Space, type OfaWidth, createOfaMbv3Space } from './ofa-mbv3.space';
