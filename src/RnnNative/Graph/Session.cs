using RnnNative.Blas;

namespace RnnNative;

/// <summary>
/// Runs a <see cref="Graph"/>: holds variable values (one slab), per-node buffers sized once per batch
/// size and reused, and the GEMM backend.
/// </summary>
/// <remarks>
/// <see cref="Run(Node, FeedDict?)"/> computes only what the fetches need, in an order planned once per
/// fetch set and cached. In steady state a run allocates nothing but the tensors it returns.
/// <para>Thread safety: a session is not thread-safe. Its buffers and variables are shared by every run, so
/// runs must not overlap: a <c>Run</c> that starts while another is in progress throws
/// <see cref="InvalidOperationException"/> (rather than computing wrong values). Use one session per thread,
/// or a lock. <c>Run</c> after <see cref="Dispose"/> throws <see cref="ObjectDisposedException"/>.</para>
/// </remarks>
public sealed partial class Session : IDisposable
{
    private Slot[] _slots = [];
    private readonly List<Plan> _plans = [];
    private bool[]? _consumed;   // of the running plan
    private readonly bool _ownsBlas;
    private int _running;        // 1 while a Run is in progress (Interlocked)
    private bool _disposed;

    /// <summary>Creates a session for <paramref name="graph"/>.</summary>
    public Session(Graph graph, SessionOptions? options = null)
    {
        Graph = graph;
        options ??= new SessionOptions();
        bool ownsBackend = options.Blas is null;
        var blas = options.Blas ?? (options.Backend is { } kind ? BlasBackend.Create(kind, options.Threads) : BlasBackend.FromEnvironment(options.Threads));
        Precision = options.Precision;
        Parameters = new ParameterSlab(graph.GlobalVariables, Precision == Precision.BFloat16);
        Blas = WithPrecision(blas, Precision, Parameters.Bf16, ownsBackend);
        _ownsBlas = ownsBackend || Blas != blas;   // a precision wrapper is the session's own
        Compute = new ComputeResources(Blas, options.RnnThreading);
    }

    /// <summary>The graph this session runs.</summary>
    public Graph Graph { get; }

    /// <summary>The GEMM backend of this session: its ops call it, or its single-threaded sibling when they cut their
    /// work across the session's threads (see <see cref="Compute"/>).</summary>
    public BlasBackend Blas { get; }

    /// <summary>The precision of the GEMMs' operands.</summary>
    public Precision Precision { get; }

    /// <summary>What the ops compute with: the GEMM of the graph's ops and the fork-join pool of ops that cut their work.</summary>
    internal ComputeResources Compute { get; }

    internal ParameterSlab Parameters { get; }

    internal FeedDict? Feeds { get; private set; }

    /// <summary>Sees every node run (profiling); null in normal runs.</summary>
    internal INodeObserver? Observer { get; set; }

    /// <summary>Runs <paramref name="fetch"/>; returns its value, or null for operations without output (training ops, initialisers).</summary>
    /// <exception cref="InvalidOperationException">Another run of this session is in progress (another thread).</exception>
    /// <exception cref="ObjectDisposedException">The session is disposed.</exception>
    public Tensor? Run(Node fetch, FeedDict? feeds = null)
    {
        EnterRun();
        try
        {
            Execute(PlanFor(fetch), feeds);
            return fetch is Operation ? null : Fetch(fetch);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>Runs two fetches in one pass and returns both values.</summary>
    public (Tensor, Tensor) Run(Node first, Node second, FeedDict? feeds = null)
    {
        var values = Run([first, second], feeds);
        return (values[0]!, values[1]!);
    }

    /// <summary>Runs several fetches in one pass; null entries for operations without output.</summary>
    /// <exception cref="InvalidOperationException">Another run of this session is in progress (another thread).</exception>
    /// <exception cref="ObjectDisposedException">The session is disposed.</exception>
    public Tensor?[] Run(IReadOnlyList<Node> fetches, FeedDict? feeds = null)
    {
        EnterRun();
        try
        {
            Execute(PlanFor(fetches), feeds);
            var result = new Tensor?[fetches.Count];
            for (int i = 0; i < result.Length; i++) result[i] = fetches[i] is Operation ? null : Fetch(fetches[i]);
            return result;
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    // Overlapping runs would share node buffers and corrupt each other: refuse the second one.
    private void EnterRun()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _running, 1) != 0)
            throw new InvalidOperationException(
                "Session.Run was called while another Run of the same session is in progress; a session is not " +
                "thread-safe (use one session per thread, or a lock).");
    }

    /// <summary>The current value of a variable (a copy).</summary>
    public Tensor Read(Variable variable)
    {
        Parameters.CheckInitialized(variable);
        var values = Parameters.ValuesOf(variable).ToArray();
        return Tensor.Wrap(variable.Shape.Dims, DType.Float32, values, null);
    }

    /// <summary>Sets a variable's value; the tensor's shape must equal the variable's.</summary>
    public void Assign(Variable variable, Tensor value)
    {
        if (value.DType != DType.Float32 || !value.Dims.SequenceEqual(variable.Shape.Dims))
            throw new ArgumentException($"Cannot assign a {value.DType} tensor of shape {value.Shape} to variable {variable.Name} of shape {variable.Shape}.");
        value.Floats.AsSpan().CopyTo(Parameters.ValuesOf(variable));
        Parameters.MarkInitialized(variable);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Compute.Dispose();
        if (_ownsBlas) Blas.Dispose();
    }

    private void Execute(Plan plan, FeedDict? feeds)
    {
        if (_slots.Length < Graph.Nodes.Count) GrowSlots();
        Feeds = feeds;
        _consumed = plan.Consumed;
        Parameters.Bf16?.Refresh();   // the weights' bfloat16 copy, once per run (step)
        try
        {
            foreach (var node in plan.Order)
            {
                node.InferDims(this, _slots[node.Id].Dims);
                node.Bind(this);
                if (Observer is { } observer)
                {
                    observer.Before(node);
                    node.Forward(this);
                    observer.After(node);
                }
                else node.Forward(this);
            }
        }
        finally
        {
            Feeds = null;
            _consumed = null;
        }
    }

    private Tensor Fetch(Node node)
    {
        ref var slot = ref _slots[node.Id];
        if (node.DType == DType.Int32)
            return Tensor.Wrap(slot.Dims, DType.Int32, null, slot.I.AsSpan(slot.Offset, slot.Length).ToArray());
        return Tensor.Wrap(slot.Dims, node.DType, slot.F.AsSpan(slot.Offset, slot.Length).ToArray(), null);
    }

    private void GrowSlots()
    {
        int old = _slots.Length;
        Array.Resize(ref _slots, Graph.Nodes.Count);
        for (int i = old; i < _slots.Length; i++) _slots[i].Dims = new int[Graph.Nodes[i].Shape.Rank];
    }
}
