import { registerEnumType } from 'type-graphql';

export enum Architecture {
  X86 = 'X86',
  ARM = 'ARM',
}

registerEnumType(Architecture, {
  name: 'Architecture',
  description: 'CPU architecture an image runs on: ARM when upstream `__support_arm` is true, X86 otherwise.',
});
