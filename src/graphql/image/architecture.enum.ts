import { registerEnumType } from 'type-graphql';

export enum Architecture {
  X86 = 'X86',
  ARM = 'ARM',
}

registerEnumType(Architecture, {
  name: 'Architecture',
  description: 'CPU architecture an image runs on: ARM when upstream `__support_arm` is true, X86 otherwise.',
  valuesConfig: {
    X86: { description: 'x86-64: `__support_arm` absent or false.' },
    ARM: { description: 'ARM: `__support_arm` true.' },
  },
});
