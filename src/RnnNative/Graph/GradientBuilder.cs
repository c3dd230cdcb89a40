namespace RnnNative;

/// <summary>Reverse-mode differentiation by graph construction (<c>tf.gradients</c>).</summary>
/// <remarks>
/// Visits the ancestors of y in reverse topological order. A node's gradient is the sum of the contributions
/// of its consumers (fan-out accumulates through <see cref="AddNOp"/>); each node's own rule
/// (<see cref="Node.Gradient"/>) turns it into its inputs' contributions. Only nodes on a path from some x
/// to y are differentiated.
/// </remarks>
internal static class GradientBuilder
{
    public static Node?[] Build(Graph graph, Node y, IReadOnlyList<Node> xs)
    {
        if (y.DType != DType.Float32) throw new ArgumentException($"Cannot differentiate {y.Name}: it is {y.DType}, not Float32.");
        var order = Ancestors(y);
        var reachesX = new bool[graph.Nodes.Count];
        foreach (var x in xs) reachesX[x.Id] = true;
        foreach (var node in order)
            foreach (var input in node.In)
                reachesX[node.Id] |= reachesX[input.Id];

        var contributions = new Dictionary<Node, List<Node>>();
        var totals = new Dictionary<Node, Node>();
        using var scope = graph.NameScope("gradients");
        contributions[y] = [new FillLikeOp(y, 1f)];
        var viewGrads = new Dictionary<Node, Node?[]>();   // a multi-output node's gradients per output
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var node = order[i];
            if (!reachesX[node.Id]) continue;
            Node? dy = contributions.TryGetValue(node, out var parts) ? (parts.Count == 1 ? parts[0] : new AddNOp([.. parts])) : null;
            if (dy is not null) totals[node] = dy;
            if (node is OutputView view)
            {
                if (dy is null) continue;
                if (!viewGrads.TryGetValue(view.Parent, out var slots))
                    viewGrads[view.Parent] = slots = new Node?[((IMultiOutput)view.Parent).OutputCount];
                slots[view.Index] = dy;
                continue;
            }
            Node?[] inputGrads;
            if (node is IMultiOutput multi && viewGrads.TryGetValue(node, out var dys))
            {
                dys[0] = dy;
                inputGrads = multi.Gradient(dys);
            }
            else if (dy is null) continue;
            else inputGrads = node is IMultiOutput m ? m.Gradient(Single(dy, m.OutputCount)) : node.Gradient(dy);
            for (int k = 0; k < inputGrads.Length; k++)
            {
                var g = inputGrads[k];
                var input = node.In[k];
                if (g is null || !reachesX[input.Id] || input.DType != DType.Float32) continue;
                if (!contributions.TryGetValue(input, out var list)) contributions[input] = list = [];
                list.Add(g);
            }
        }
        var result = new Node?[xs.Count];
        for (int i = 0; i < xs.Count; i++) result[i] = totals.GetValueOrDefault(xs[i]);
        return result;
    }

    private static Node?[] Single(Node dy, int count)
    {
        var dys = new Node?[count];
        dys[0] = dy;
        return dys;
    }

    // Post-order: every node after its inputs.
    private static List<Node> Ancestors(Node y)
    {
        var order = new List<Node>();
        var seen = new HashSet<Node>();
        var stack = new Stack<(Node Node, int Next)>();
        stack.Push((y, 0));
        seen.Add(y);
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            if (next < node.In.Length)
            {
                stack.Push((node, next + 1));
                if (seen.Add(node.In[next])) stack.Push((node.In[next], 0));
                continue;
            }
            order.Add(node);
        }
        return order;
    }
}
