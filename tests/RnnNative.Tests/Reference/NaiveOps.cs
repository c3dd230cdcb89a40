namespace RnnNative.Tests.Reference;

/// <summary>
/// Deliberately plain double-precision twins of the graph's ops: nested loops over row-major arrays, no
/// vectorisation, no shared code with the library. Shapes are passed explicitly as dims arrays.
/// </summary>
public static class NaiveOps
{
    public static double[] ToDouble(float[] x) => Array.ConvertAll(x, v => (double)v);

    public static int Count(int[] dims)
    {
        int n = 1;
        foreach (int d in dims) n *= d;
        return n;
    }

    /// <summary>C = op(A)·op(B); A is (m, k) or, transposed, stored (k, m); likewise B.</summary>
    public static double[] MatMul(double[] a, int[] aDims, double[] b, int[] bDims, bool transA, bool transB)
    {
        int m = transA ? aDims[1] : aDims[0], k = transA ? aDims[0] : aDims[1];
        int n = transB ? bDims[0] : bDims[1];
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    double aip = transA ? a[p * aDims[1] + i] : a[i * aDims[1] + p];
                    double bpj = transB ? b[j * bDims[1] + p] : b[p * bDims[1] + j];
                    sum += aip * bpj;
                }
                c[i * n + j] = sum;
            }
        return c;
    }

    /// <summary>f(a, b) with trailing broadcasting: the shorter operand repeats over the leading dims of the longer.</summary>
    public static double[] Binary(double[] a, double[] b, Func<double, double, double> f)
    {
        int n = Math.Max(a.Length, b.Length);
        var y = new double[n];
        for (int i = 0; i < n; i++) y[i] = f(a[i % a.Length], b[i % b.Length]);
        return y;
    }

    public static double[] Unary(double[] x, Func<double, double> f) => Array.ConvertAll(x, v => f(v));

    public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    public static double Sum(double[] x)
    {
        double sum = 0;
        foreach (double v in x) sum += v;
        return sum;
    }

    /// <summary>Sum (or mean) along one axis; the result's elements are in row-major order of the remaining dims.</summary>
    public static double[] ReduceAxis(double[] x, int[] dims, int axis, bool mean)
    {
        var outDims = dims.Where((_, i) => i != axis).ToArray();
        var y = new double[Count(outDims)];
        var index = new int[dims.Length];
        for (int flat = 0; flat < x.Length; flat++)
        {
            Unflatten(flat, dims, index);
            int target = 0;
            for (int i = 0; i < dims.Length; i++) if (i != axis) target = target * dims[i] + index[i];
            y[target] += x[flat];
        }
        if (mean) for (int i = 0; i < y.Length; i++) y[i] /= dims[axis];
        return y;
    }

    /// <summary>Softmax of each row of the last axis, straight from the definition exp(x)/Σexp(x) (in double it does not overflow for test inputs).</summary>
    public static double[] Softmax(double[] x, int classes)
    {
        var y = new double[x.Length];
        for (int row = 0; row < x.Length; row += classes)
        {
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += Math.Exp(x[row + c]);
            for (int c = 0; c < classes; c++) y[row + c] = Math.Exp(x[row + c]) / sum;
        }
        return y;
    }

    /// <summary>y[i₀..] = x[j] with j[perm[a]] = i_a.</summary>
    public static double[] Transpose(double[] x, int[] dims, int[] perm)
    {
        var outDims = perm.Select(p => dims[p]).ToArray();
        var y = new double[x.Length];
        var outIndex = new int[dims.Length];
        var inIndex = new int[dims.Length];
        for (int flat = 0; flat < y.Length; flat++)
        {
            Unflatten(flat, outDims, outIndex);
            for (int a = 0; a < perm.Length; a++) inIndex[perm[a]] = outIndex[a];
            y[flat] = x[Flatten(inIndex, dims)];
        }
        return y;
    }

    public static double MeanSquaredError(double[] labels, double[] predictions)
    {
        double sum = 0;
        for (int i = 0; i < labels.Length; i++) sum += (predictions[i] - labels[i]) * (predictions[i] - labels[i]);
        return sum / labels.Length;
    }

    /// <summary>Index of the first maximum along the axis.</summary>
    public static int[] ArgMax(double[] x, int[] dims, int axis)
    {
        var outDims = dims.Where((_, i) => i != axis).ToArray();
        var y = new int[Count(outDims)];
        var best = new double[y.Length];
        Array.Fill(best, double.NegativeInfinity);
        var index = new int[dims.Length];
        for (int flat = 0; flat < x.Length; flat++)
        {
            Unflatten(flat, dims, index);
            int target = 0;
            for (int i = 0; i < dims.Length; i++) if (i != axis) target = target * dims[i] + index[i];
            if (x[flat] > best[target]) (best[target], y[target]) = (x[flat], index[axis]);
        }
        return y;
    }

    /// <summary>Rows of a (V, D) table by id.</summary>
    public static double[] EmbeddingLookup(double[] table, int width, int[] ids)
    {
        var y = new double[ids.Length * width];
        for (int p = 0; p < ids.Length; p++)
            for (int d = 0; d < width; d++) y[p * width + d] = table[ids[p] * width + d];
        return y;
    }

    /// <summary>−log softmax(z_b)[label_b] per row.</summary>
    public static double[] SparseSoftmaxCrossEntropy(double[] logits, int classes, int[] labels)
    {
        var p = Softmax(logits, classes);
        return labels.Select((label, b) => -Math.Log(p[b * classes + label])).ToArray();
    }

    /// <summary>Whether fewer than k scores of the row are strictly greater than the target's.</summary>
    public static bool[] InTopK(double[] scores, int classes, int[] targets, int k)
    {
        var result = new bool[targets.Length];
        for (int b = 0; b < targets.Length; b++)
        {
            int greater = 0;
            for (int c = 0; c < classes; c++) if (scores[b * classes + c] > scores[b * classes + targets[b]]) greater++;
            result[b] = greater < k;
        }
        return result;
    }

    private static void Unflatten(int flat, int[] dims, int[] index)
    {
        for (int i = dims.Length - 1; i >= 0; i--)
        {
            index[i] = flat % dims[i];
            flat /= dims[i];
        }
    }

    private static int Flatten(int[] index, int[] dims)
    {
        int flat = 0;
        for (int i = 0; i < dims.Length; i++) flat = flat * dims[i] + index[i];
        return flat;
    }
}
