using RnnNative.Kernels;
using RnnNative.Tests.Core;

namespace RnnNative.Tests.RnnKernels;

/// <summary>
/// The row kernels' bfloat16 stores (<see cref="IChunk{TV}.StoreBf16"/>, which the basic cell's passes use to fill
/// the workspace's shadows) bit for bit against <see cref="BFloat16.FromFloat"/>, at every width 0..257 (whole
/// 512- and 256-bit vectors, every tail), with guard elements after each row that must stay untouched.
/// </summary>
public class Bf16RowKernelTests
{
    private const int MaxWidth = 257, Guard = 9;
    private const ushort Sentinel = 0xABCD;

    private protected virtual void Run<TKernel>(ref TKernel kernel, int width) where TKernel : struct, IRowKernel, allows ref struct =>
        RowLoop.Run(ref kernel, width);

    [Fact]
    public void ChunksStoreTheBitsOfFromFloatOnEdgeValues()
    {
        // Ties, subnormals, NaNs, ±Inf, max finite and ordinary values, each edge landing on every lane and in tails.
        float[] edges = BFloat16Tests.EdgeValues().Select(row => BitConverter.UInt32BitsToSingle((uint)row[0])).ToArray();
        var random = new Random(5);
        for (int width = 0; width <= MaxWidth; width++)
        {
            var source = new float[width];
            for (int i = 0; i < width; i++)
                source[i] = random.Next(3) == 0 ? (float)(random.NextDouble() * 20 - 10) : edges[(i + width) % edges.Length];
            var bits = Guarded(width);
            var row = new RoundRow(source, bits);
            Run(ref row, width);
            AssertBits(source, bits, $"width {width}");
        }
    }

    [Fact]
    public void BasicRowsStoreTheBitsOfWhatTheyWrite()
    {
        var random = new Random(6);
        float[] Values(int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
        for (int h = 0; h <= MaxWidth; h++)
        {
            float[] gates = Values(h, 3), bias = Values(h, 1), next = new float[h], output = new float[h];
            var nextBits = Guarded(h);
            var forward = new BasicForwardRow<TanhActivation>(gates, bias, next, output, nextBits.AsSpan(0, h));
            Run(ref forward, h);
            AssertBits(next, nextBits, $"forward, H = {h}");

            float[] dOut = Values(h, 1), dH = Values(h, 1), dPre = new float[h], dBias = new float[h];
            var dPreBits = Guarded(h);
            var backward = new BasicBackwardRow<ReluActivation>(Values(h, 1), dOut, dH, dPre, dBias, dPreBits.AsSpan(0, h));
            Run(ref backward, h);
            AssertBits(dPre, dPreBits, $"backward, H = {h}");
        }
    }

    private static ushort[] Guarded(int width) => Enumerable.Repeat(Sentinel, width + Guard).ToArray();

    private static void AssertBits(float[] source, ushort[] bits, string what)
    {
        for (int i = 0; i < source.Length; i++)
            Assert.True(BFloat16.FromFloat(source[i]) == bits[i],
                $"{what}: element {i} ({BitConverter.SingleToUInt32Bits(source[i]):X8}) stored {bits[i]:X4}, FromFloat gives {BFloat16.FromFloat(source[i]):X4}.");
        for (int i = source.Length; i < bits.Length; i++)
            Assert.True(bits[i] == Sentinel, $"{what}: element {i} past the row was written.");
    }

    /// <summary>bits := bf16(source), one chunk at a time.</summary>
    private ref struct RoundRow(Span<float> source, Span<ushort> bits) : IRowKernel
    {
        private readonly Span<float> source = source;
        private readonly Span<ushort> bits = bits;

        public readonly void Chunk<TChunk, TV>(TChunk c, int j) where TChunk : struct, IChunk<TV> where TV : struct, IFloatVector<TV> =>
            c.StoreBf16(ref bits[0], j, c.Load(ref source[0], j));
    }
}

/// <summary>The bfloat16 stores with 512-bit vectors first (then at most one 256-bit vector and a tail).</summary>
public sealed class Bf16RowKernel512Tests : Bf16RowKernelTests
{
    private protected override void Run<TKernel>(ref TKernel kernel, int width) => RowLoop.Run512(ref kernel, width);
}

/// <summary>The bfloat16 stores with 256-bit vectors and tail chunks only.</summary>
public sealed class Bf16RowKernel256Tests : Bf16RowKernelTests
{
    private protected override void Run<TKernel>(ref TKernel kernel, int width) => RowLoop.Run256(ref kernel, width);
}
