namespace RnnNative.Kernels;

/// <summary>
/// The bfloat16 operands of the fused RNN's GEMMs: copies of <see cref="RnnWorkspace.XH"/> (N, I+H) and
/// <see cref="RnnWorkspace.DPre"/> (N, W), same rows and columns, and — when the joined group's GEMMs are padded —
/// the joined kernel [Wx; Wh] with zero padding (<see cref="Kernel"/>).
/// </summary>
/// <remarks>
/// MKL's bfloat16 GEMM runs an output width n that is not a multiple of 16 far below its rate at the next multiple
/// (150 columns took longer than 160 on AVX512_BF16; docs/performance.md), so the per-step GEMMs compute
/// <see cref="RnnGemms.Padded"/>(n) columns (see there). The padded kernel is
/// (I + Padded(H), W) with stride ≥ Padded(W): the forward GEMM reads its first I+H rows and Padded(W) columns,
/// the backward's NT GEMM its Padded(H) rows of Wh; rows and columns past the weights stay zero (never written).
/// Only cells that <see cref="RnnGemms.PadsJoinedGroup"/> have it.
/// </remarks>
internal sealed class Bf16Shadows
{
    public Bf16Shadows(in RnnCellSpec cell, int rows, int preWidth)
    {
        XH = new Bf16RowBuffer(rows, cell.Inputs + cell.Units);
        DPre = new Bf16RowBuffer(rows, preWidth);
        if (RnnGemms.PadsJoinedGroup(cell))
            Kernel = new Bf16RowBuffer(cell.Inputs + RnnGemms.Padded(cell.Units), cell.GroupWidth(0));
    }

    /// <summary>(N, I+H): [x_t | h_{t-1}] per packed row.</summary>
    public Bf16RowBuffer XH { get; }
    /// <summary>(N, W): the pre-activation gradients.</summary>
    public Bf16RowBuffer DPre { get; }
    /// <summary>The padded joined kernel (see the remarks), or null when the GEMMs are not padded.</summary>
    public Bf16RowBuffer? Kernel { get; }

    /// <summary>Elements held.</summary>
    public long Capacity => XH.Capacity + DPre.Capacity + (Kernel?.Capacity ?? 0);

    /// <summary>Rounds the joined kernel (I+H, W) into <see cref="Kernel"/> (once per forward call), if padded.</summary>
    public void RefreshKernel(ReadOnlySpan<float> joinedKernel) => Kernel?.Round(joinedKernel, joinedKernel.Length / Kernel.Width);
}
