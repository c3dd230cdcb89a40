using RnnNative.Blas;

namespace RnnNative.Cli;

/// <summary>
/// For now: the lecture's two-step manual RNN (3 inputs, 5 neurons, batch of 4), computed with direct
/// <see cref="BlasBackend.Sgemm"/> calls on every available backend. A later issue replaces it with training.
/// </summary>
internal static class Program
{
    private const int Inputs = 3, Neurons = 5, Batch = 4;

    private static int Main(string[] args)
    {
        // x0, x1: (Batch, Inputs) — the two time steps of the seed example
        float[] x0 = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1];
        float[] x1 = [9, 8, 7, 0, 0, 0, 6, 5, 4, 3, 2, 1];
        var (wx, wy, bias) = SeededWeights(seed: 42);
        int failures = 0;
        foreach (BlasKind kind in Enum.GetValues<BlasKind>())
        {
            if (!BlasBackend.IsAvailable(kind, out string reason))
            {
                Console.WriteLine($"== {kind}: not available\n{reason}\n");
                failures += kind == BlasKind.Managed ? 1 : 0;
                continue;
            }
            using var blas = BlasBackend.Create(kind);
            Console.WriteLine($"== {blas.Describe()}");
            var (y0, y1) = TwoSteps(blas, x0, x1, wx, wy, bias);
            Print("Y0", y0);
            Print("Y1", y1);
            Console.WriteLine();
        }
        return failures == 0 ? 0 : 1;
    }

    // y0 = tanh(x0·Wx + b);  y1 = tanh(y0·Wy + x1·Wx + b)
    // x: (Batch, Inputs), Wx: (Inputs, Neurons), Wy: (Neurons, Neurons), b: (Neurons), y: (Batch, Neurons)
    private static (float[] Y0, float[] Y1) TwoSteps(BlasBackend blas, float[] x0, float[] x1, float[] wx, float[] wy, float[] bias)
    {
        var y0 = new float[Batch * Neurons];
        var y1 = new float[Batch * Neurons];
        BroadcastRows(bias, y0);
        blas.Sgemm(false, false, Batch, Neurons, Inputs, 1f, x0, Inputs, wx, Neurons, 1f, y0, Neurons);
        Tanh(y0);
        BroadcastRows(bias, y1);
        blas.Sgemm(false, false, Batch, Neurons, Neurons, 1f, y0, Neurons, wy, Neurons, 1f, y1, Neurons);
        blas.Sgemm(false, false, Batch, Neurons, Inputs, 1f, x1, Inputs, wx, Neurons, 1f, y1, Neurons);
        Tanh(y1);
        return (y0, y1);
    }

    private static (float[] Wx, float[] Wy, float[] B) SeededWeights(int seed)
    {
        var random = new Random(seed);
        float Normal() => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        float[] Fill(int length) { var w = new float[length]; for (int i = 0; i < length; i++) w[i] = Normal(); return w; }
        return (Fill(Inputs * Neurons), Fill(Neurons * Neurons), new float[Neurons]);
    }

    private static void BroadcastRows(float[] bias, float[] y)
    {
        for (int r = 0; r < y.Length / bias.Length; r++) bias.CopyTo(y, r * bias.Length);
    }

    private static void Tanh(float[] y) => System.Numerics.Tensors.TensorPrimitives.Tanh(y, y);

    private static void Print(string name, float[] y)
    {
        Console.WriteLine($"{name} =");
        for (int r = 0; r < Batch; r++)
            Console.WriteLine("  [" + string.Join(", ", y.AsSpan(r * Neurons, Neurons).ToArray().Select(v => v.ToString("+0.000000;-0.000000"))) + "]");
    }
}
