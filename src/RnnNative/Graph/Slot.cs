namespace RnnNative;

/// <summary>A session's run-time storage for one node: concrete dims and where its output lives.</summary>
internal struct Slot
{
    public int[] Dims;        // concrete output dims, rank = the node's static rank
    public float[]? F;        // float/bool storage (own buffer, a variable's slab, another node's buffer or a fed tensor)
    public int[]? I;          // int32 storage
    public int Offset;        // first element in F or I
    public int Length;        // element count
    public float[]? OwnF;     // grow-only buffers owned by this node
    public int[]? OwnI;
    public object? State;     // per-node scratch (saved activations, workspaces, optimizer moments)
}
