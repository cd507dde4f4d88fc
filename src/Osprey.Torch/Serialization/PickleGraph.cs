namespace Osprey.Torch.Serialization;

/// <summary>
/// Walks what an unpickler built, each object once (memo by identity, no recursion), to measure its real nesting
/// depth. The unpickler tracks depth as containers fill, but a list appended to its parent while still empty and
/// filled afterwards (nesting built top-down) deepens its ancestors without their knowing; this catches that.
/// A reference back to an object still being walked (a cycle, which Python's pickle allows) adds no depth.
/// </summary>
internal static class PickleGraph
{
    public static int Depth(object? root)
    {
        var depths = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        var open = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(object Node, IEnumerator<object?> Children, int Deepest)>();
        if (!IsContainer(root)) return 0;
        stack.Push((root!, Children(root!).GetEnumerator(), 0));
        open.Add(root!);
        while (true)
        {
            var (node, children, deepest) = stack.Pop();
            bool descended = false;
            while (children.MoveNext())
            {
                var child = children.Current;
                if (!IsContainer(child)) continue;
                if (depths.TryGetValue(child!, out var known)) deepest = Math.Max(deepest, known);
                else if (!open.Contains(child!))
                {
                    stack.Push((node, children, deepest));
                    stack.Push((child!, Children(child!).GetEnumerator(), 0));
                    open.Add(child!);
                    descended = true;
                    break;
                }
            }
            if (descended) continue;
            int depth = deepest + 1;
            depths[node] = depth;
            open.Remove(node);
            if (stack.Count == 0) return depth;
            var parent = stack.Pop();
            stack.Push((parent.Node, parent.Children, Math.Max(parent.Deepest, depth)));
        }
    }

    static bool IsContainer(object? value) =>
        value is object?[] { Length: > 0 } or List<object?> or PickleDict or HashSet<object?> or PickledObject;

    static IEnumerable<object?> Children(object node)
    {
        switch (node)
        {
            case object?[] tuple:
                foreach (var item in tuple) yield return item;
                break;
            case List<object?> list:
                for (int k = 0; k < list.Count; k++) yield return list[k];
                break;
            case PickleDict dict:
                foreach (var (key, value) in dict)
                {
                    yield return key;
                    yield return value;
                }
                if (dict.Attributes is { } attributes) yield return attributes;
                break;
            case HashSet<object?> set:
                foreach (var item in set) yield return item;
                break;
            case PickledObject record:
                yield return record.Args;
                if (record.KwArgs is { } kw) yield return kw;
                yield return record.State;
                if (record.ListItems is { } items) yield return items;
                if (record.DictItems is { } dictItems) yield return dictItems;
                break;
        }
    }
}
