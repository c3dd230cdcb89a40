namespace RnnNative;

/// <summary>Layers built from <see cref="Ops"/>: they create their variables and need no backward of their own.</summary>
public static class Layers
{
    /// <summary>
    /// A fully connected layer <c>y = activation(x·W + b)</c> with variables <c>{name}/kernel</c> (Glorot uniform)
    /// and <c>{name}/bias</c> (zeros), like <c>tf.layers.dense</c>.
    /// </summary>
    /// <remarks>x: (B, in) or (B, T, in) with T known; the kernel is shared over all leading positions.</remarks>
    public static Node Dense(Node x, int units, Func<Node, Node>? activation = null, string name = "dense")
    {
        if (units <= 0) throw new ArgumentOutOfRangeException(nameof(units), "units must be positive.");
        int inputs = x.Shape[-1];
        if (x.Shape.Rank < 2 || inputs <= 0)
            throw new ArgumentException($"Dense needs an input of rank ≥ 2 with a known last dimension, got {x.Name} {x.Shape}.");
        var g = x.Graph;
        Node y;
        using (g.NameScope(name))
        {
            var kernel = g.Variable("kernel", new Shape(inputs, units), Initializer.GlorotUniform());
            var bias = g.Variable("bias", new Shape(units), Initializer.Zeros);
            var flat = x.Shape.Rank == 2 ? x : Ops.Reshape(x, new Shape(-1, inputs));
            y = Ops.Add(Ops.MatMul(flat, kernel), bias);
            if (x.Shape.Rank > 2)
            {
                var dims = x.Shape.ToArray();
                dims[0] = -1;
                dims[^1] = units;
                y = Ops.Reshape(y, new Shape(dims));
            }
        }
        return activation is null ? y : activation(y);
    }
}
