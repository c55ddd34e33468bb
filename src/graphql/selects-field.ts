import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** Whether the field being resolved selects `name` directly (through fragments too, whatever their type condition). */
export function selectsField(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>, name: string): boolean {
  const seen = new Set<string>();
  const search = (selectionSet: SelectionSetNode | undefined): boolean =>
    !!selectionSet &&
    selectionSet.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === name;
      if (selection.kind === Kind.INLINE_FRAGMENT) return search(selection.selectionSet);
      const fragment = selection.name.value;
      if (seen.has(fragment)) return false;
      seen.add(fragment);
      return search(info.fragments[fragment]?.selectionSet);
    });
  return info.fieldNodes.some((node) => search(node.selectionSet));
}

/** Whether a field node selects `name` itself or in an inline fragment (named fragments are not at hand when pricing). */
export function selectsDirectly(node: FieldNode, name: string): boolean {
  const search = (selectionSet: SelectionSetNode | undefined): boolean =>
    !!selectionSet &&
    selectionSet.selections.some((selection) =>
      selection.kind === Kind.FIELD ? selection.name.value === name : selection.kind === Kind.INLINE_FRAGMENT && search(selection.selectionSet),
    );
  return search(node.selectionSet);
}
