import { Kind, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

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

/** The same, from one field node and the document's fragments (when pricing, before execution). */
export function nodeSelectsField(node: FieldNode, fragments: Record<string, FragmentDefinitionNode>, name: string): boolean {
  return selectsField({ fieldNodes: [node], fragments }, name);
}
