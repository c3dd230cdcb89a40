namespace RnnNative;

/// <summary>A dataflow graph in the TensorFlow 1.x style: build once, run many times in a <see cref="Session"/>.</summary>
public sealed partial class Graph
{
    private readonly List<Node> _nodes = [];
    private readonly HashSet<string> _names = [];
    private readonly Stack<string> _scopes = new();
    private readonly List<Variable> _variables = [];
    private int _nextOpSeed;

    /// <summary>Creates a graph whose random initialisers derive from <paramref name="seed"/>.</summary>
    public Graph(int seed = 0) => Seed = seed;

    /// <summary>The graph-level seed.</summary>
    public int Seed { get; }

    /// <summary>All nodes in creation order.</summary>
    public IReadOnlyList<Node> Nodes => _nodes;

    /// <summary>All variables in creation order.</summary>
    public IReadOnlyList<Variable> GlobalVariables => _variables;

    /// <summary>The variables that optimizers update by default.</summary>
    public IReadOnlyList<Variable> TrainableVariables => _variables.Where(v => v.Trainable).ToList();

    /// <summary>Opens a name scope; dispose the result to close it. Nested scopes join with '/'.</summary>
    public IDisposable NameScope(string scope)
    {
        if (string.IsNullOrWhiteSpace(scope) || scope.Contains('/'))
            throw new ArgumentException($"Invalid scope name '{scope}'.", nameof(scope));
        _scopes.Push(_scopes.Count == 0 ? scope : _scopes.Peek() + "/" + scope);
        return new ScopeExit(_scopes);
    }

    /// <summary>The node with the given full name.</summary>
    public Node this[string name] => _nodes.FirstOrDefault(n => n.Name == name)
        ?? throw new KeyNotFoundException($"No node named '{name}' in the graph.");

    /// <summary>A node that initialises every variable when run.</summary>
    public Node GlobalVariablesInitializer() => new VariablesInitializer(this, _variables.ToArray());

    /// <summary>
    /// Symbolic gradients of the sum of <paramref name="ys"/> with respect to <paramref name="xs"/>, like
    /// <c>tf.gradients</c>: one node per x, or null where x does not influence y.
    /// </summary>
    public Node?[] Gradients(Node ys, IReadOnlyList<Node> xs) => GradientBuilder.Build(this, ys, xs);

    internal string Register(Node node, string name)
    {
        string full = _scopes.Count == 0 ? name : _scopes.Peek() + "/" + name;
        string unique = full;
        for (int i = 1; !_names.Add(unique); i++) unique = $"{full}_{i}";
        node.Id = _nodes.Count;
        _nodes.Add(node);
        if (node is Variable v) _variables.Add(v);
        return unique;
    }

    internal int NextOpSeed() => _nextOpSeed++;

    private sealed class ScopeExit(Stack<string> scopes) : IDisposable
    {
        private bool _done;
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            scopes.Pop();
        }
    }
}
