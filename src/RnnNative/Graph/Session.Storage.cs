namespace RnnNative;

public sealed partial class Session
{
    /// <summary>Concrete dims of a node computed earlier in this run.</summary>
    internal ReadOnlySpan<int> Dims(Node node) => _slots[node.Id].Dims;

    /// <summary>Writable dims of a node (views set the dims of the nodes they feed, e.g. multi-output ops).</summary>
    internal Span<int> DimsOf(Node node) => _slots[node.Id].Dims;

    /// <summary>The float (or bool) output of a node.</summary>
    internal Span<float> F(Node node)
    {
        ref var slot = ref _slots[node.Id];
        return slot.F.AsSpan(slot.Offset, slot.Length);
    }

    /// <summary>
    /// <see cref="F"/> as an array segment (the slot's array, offset and length), for kernels that hand the buffer
    /// to other threads (a span cannot cross threads); empty when the node has no elements.
    /// </summary>
    internal ArraySegment<float> FloatSegment(Node node)
    {
        ref var slot = ref _slots[node.Id];
        return slot.Length == 0 ? default : new ArraySegment<float>(slot.F!, slot.Offset, slot.Length);
    }

    /// <summary>
    /// A multi-output node's whole block, its output followed by the extra elements of <see cref="EnsureOwnBuffer"/>,
    /// as an array segment (see <see cref="FloatSegment"/>).
    /// </summary>
    internal ArraySegment<float> BlockSegment(Node node, int length)
    {
        ref var slot = ref _slots[node.Id];
        return length == 0 ? default : new ArraySegment<float>(slot.F!, slot.Offset, length);
    }

    /// <summary>The int32 output of a node.</summary>
    internal Span<int> I(Node node)
    {
        ref var slot = ref _slots[node.Id];
        return slot.I.AsSpan(slot.Offset, slot.Length);
    }

    /// <summary>Per-node scratch state, created on first use and kept for the session's life.</summary>
    internal T State<T>(Node node) where T : class, new()
    {
        if (_slots.Length < Graph.Nodes.Count) GrowSlots(); // before the first Run (e.g. a restored optimizer state)
        ref var slot = ref _slots[node.Id];
        return slot.State as T ?? (T)(slot.State = new T());
    }

    /// <summary>
    /// Gives a node its own grow-only buffer sized to its dims, plus <paramref name="extra"/> elements after them
    /// for the outputs of a multi-output node (no allocation when the size is unchanged).
    /// </summary>
    internal void EnsureOwnBuffer(Node node, int extra = 0)
    {
        ref var slot = ref _slots[node.Id];
        int length = Shape.Count(slot.Dims);
        slot.Offset = 0;
        slot.Length = length;
        length += extra;
        if (node.DType == DType.Int32)
        {
            if (slot.OwnI is null || slot.OwnI.Length < length) slot.OwnI = GC.AllocateArray<int>(length, pinned: true);
            slot.I = slot.OwnI;
            slot.F = null;
        }
        else
        {
            if (slot.OwnF is null || slot.OwnF.Length < length) slot.OwnF = GC.AllocateArray<float>(length, pinned: true);
            slot.F = slot.OwnF;
            slot.I = null;
        }
    }

    /// <summary>Points a node's output (as many elements as its dims hold) at another node's storage, from <paramref name="offset"/>.</summary>
    internal void BindView(Node node, Node target, int offset)
    {
        ref var slot = ref _slots[node.Id];
        ref var source = ref _slots[target.Id];
        slot.F = source.F;
        slot.I = source.I;
        slot.Offset = source.Offset + offset;
        slot.Length = Shape.Count(slot.Dims);
    }

    /// <summary>Points a node's output at external float storage (a fed tensor, the parameter slab).</summary>
    internal void BindExternal(Node node, float[]? floats, int[]? ints, int offset)
    {
        ref var slot = ref _slots[node.Id];
        slot.F = floats;
        slot.I = ints;
        slot.Offset = offset;
        slot.Length = Shape.Count(slot.Dims);
    }

    private Plan PlanFor(Node fetch)
    {
        foreach (var plan in _plans)
            if (plan.Fetches.Length == 1 && plan.Fetches[0] == fetch) return plan;
        return AddPlan([fetch]);
    }

    private Plan PlanFor(IReadOnlyList<Node> fetch)
    {
        foreach (var plan in _plans)
            if (plan.Fetches.AsSpan().SequenceEqual(fetch.ToArray())) return plan;
        return AddPlan(fetch.ToArray());
    }

    /// <summary>Whether a fetch or a node of the running plan reads <paramref name="node"/>'s output tensor.</summary>
    internal bool IsConsumed(Node node) => _consumed is null || node.Id >= _consumed.Length || _consumed[node.Id];

    // Post-order depth-first search from the fetches: every node after all of its inputs, each once.
    private Plan AddPlan(Node[] fetches)
    {
        foreach (var f in fetches)
            if (f.Graph != Graph) throw new ArgumentException($"Node {f.Name} belongs to another graph.");
        var order = new List<Node>();
        var state = new byte[Graph.Nodes.Count]; // 0 = unseen, 1 = on stack, 2 = done
        var stack = new Stack<(Node Node, int Next)>();
        foreach (var fetch in fetches)
        {
            if (state[fetch.Id] == 2) continue;
            stack.Push((fetch, 0));
            state[fetch.Id] = 1;
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (next < node.In.Length)
                {
                    stack.Push((node, next + 1));
                    var input = node.In[next];
                    if (state[input.Id] == 0) { state[input.Id] = 1; stack.Push((input, 0)); }
                    continue;
                }
                state[node.Id] = 2;
                order.Add(node);
            }
        }
        var plan = new Plan(fetches, order.ToArray(), Consumers(fetches, order));
        _plans.Add(plan);
        return plan;
    }

    // consumed[id]: a fetch, or an input whose value some node of the plan reads (Node.ReadsInput).
    private bool[] Consumers(Node[] fetches, List<Node> order)
    {
        var consumed = new bool[Graph.Nodes.Count];
        foreach (var fetch in fetches) consumed[fetch.Id] = true;
        foreach (var node in order)
            for (int i = 0; i < node.In.Length; i++)
                if (node.ReadsInput(i)) consumed[node.In[i].Id] = true;
        return consumed;
    }

    /// <summary>A cached execution plan: the nodes to run in order, and which of their outputs are read.</summary>
    private sealed record Plan(Node[] Fetches, Node[] Order, bool[] Consumed);
}
