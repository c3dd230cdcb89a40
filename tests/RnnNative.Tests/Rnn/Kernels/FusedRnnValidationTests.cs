using RnnNative.Blas;
using RnnNative.Kernels;

namespace RnnNative.Tests.RnnKernels;

/// <summary>Bad lengths, shapes and call order give clear exceptions before any GEMM runs.</summary>
public class FusedRnnValidationTests
{
    private const int B = 3, T = 4, I = 2, H = 5;
    private readonly BlasBackend blas = BlasBackend.Create(BlasKind.Managed);

    [Theory]
    [InlineData(-1)]
    [InlineData(T + 1)]
    [InlineData(int.MinValue)]
    public void LengthOutsideZeroToStepsNamesTheExample(int badLength)
    {
        var ex = Assert.Throws<ArgumentException>(() => Forward(RnnCellKind.BasicTanh, lengths: [T, 2, badLength]));
        Assert.Equal("lengths", ex.ParamName);
        Assert.Contains("example 2", ex.Message);
        Assert.Contains(badLength.ToString(), ex.Message);
    }

    [Fact]
    public void LengthsOfTheWrongCountAreRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => Forward(RnnCellKind.BasicTanh, lengths: [1, 2]));
        Assert.Equal("lengths", ex.ParamName);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("kernel")]
    [InlineData("bias")]
    [InlineData("h0")]
    [InlineData("outputs")]
    [InlineData("finalH")]
    public void WrongForwardBufferLengthNamesTheBuffer(string wrong)
    {
        var ex = Assert.Throws<ArgumentException>(() => Forward(RnnCellKind.Lstm, wrong: wrong));
        Assert.Equal(wrong, ex.ParamName);
    }

    [Theory]
    [InlineData(RnnCellKind.BasicTanh, "c0")]
    [InlineData(RnnCellKind.BasicTanh, "finalC")]
    [InlineData(RnnCellKind.Gru, "candidateKernel")]
    [InlineData(RnnCellKind.Lstm, "finalC")]
    public void CellSpecificBuffersAreChecked(RnnCellKind kind, string wrong)
    {
        // Cell state buffers for a cell without one, a short GRU candidate kernel, a missing LSTM finalC.
        var ex = Assert.Throws<ArgumentException>(() => Forward(kind, wrong: wrong));
        Assert.Equal(wrong, ex.ParamName);
    }

    [Fact]
    public void BackwardBeforeForwardIsRejected()
    {
        var cell = new RnnCellSpec(RnnCellKind.BasicTanh, I, H);
        var ws = new RnnWorkspace(cell, B, T);
        var weights = new float[cell.KernelLength];
        var bias = new float[H];
        Assert.Throws<InvalidOperationException>(() => FusedRnn.Backward(blas, ws, new RnnWeights(weights, bias),
            [], [], [], new float[B * T * I], new RnnWeightGradients(new float[cell.KernelLength], new float[H]), [], []));
    }

    [Theory]
    [InlineData("dOutputs")]
    [InlineData("dX")]
    [InlineData("dH0")]
    [InlineData("kernel")]
    [InlineData("gradients.Kernel")]
    public void WrongBackwardBufferLengthNamesTheBuffer(string wrong)
    {
        var ws = Forward(RnnCellKind.BasicRelu);
        var cell = ws.Cell;
        int Size(string name, int n) => name == wrong ? n + 1 : n;
        var ex = Assert.Throws<ArgumentException>(() => FusedRnn.Backward(blas, ws,
            new RnnWeights(new float[Size("kernel", cell.KernelLength)], new float[H]),
            new float[Size("dOutputs", B * T * H)], [], [], new float[Size("dX", B * T * I)],
            new RnnWeightGradients(new float[Size("gradients.Kernel", cell.KernelLength)], new float[H]),
            new float[Size("dH0", B * H)], []));
        Assert.Equal(wrong, ex.ParamName);
    }

    [Fact]
    public void WorkspaceAndSpecRejectNonPositiveSizes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RnnCellSpec(RnnCellKind.Gru, 0, H));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RnnCellSpec(RnnCellKind.Gru, I, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RnnWorkspace(new RnnCellSpec(RnnCellKind.Gru, I, H), 0, T));
        Assert.Throws<ArgumentException>(() => new RnnWorkspace(default, B, T));
    }

    // A valid forward call on (B, T, I, H), except that the buffer named `wrong` is one element too long
    // (or, for a buffer the cell must not have, present).
    private RnnWorkspace Forward(RnnCellKind kind, int[]? lengths = null, string wrong = "")
    {
        var cell = new RnnCellSpec(kind, I, H);
        var ws = new RnnWorkspace(cell, B, T);
        float[] Buffer(string name, int n) => new float[name == wrong ? (n == 0 ? B * H : n + 1) : n];
        int cellState = cell.HasCellState ? B * H : 0;
        var weights = new RnnWeights(Buffer("kernel", cell.KernelLength), Buffer("bias", cell.BiasLength),
            Buffer("candidateKernel", cell.CandidateKernelLength), Buffer("candidateBias", cell.CandidateBiasLength));
        FusedRnn.Forward(blas, ws, Buffer("x", B * T * I), false, weights, lengths ?? [], Buffer("h0", B * H),
            Buffer("c0", cellState), Buffer("outputs", B * T * H), Buffer("finalH", B * H),
            wrong == "finalC" && cell.HasCellState ? [] : Buffer("finalC", cellState));
        return ws;
    }
}
