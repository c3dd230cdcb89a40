namespace RnnNative.Kernels;

/// <summary>Argument checks shared by the fused kernels: every buffer is checked before any GEMM runs.</summary>
internal static class RnnArgs
{
    public static void RequireLength(int actual, int expected, string name, string shape)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has {actual} elements; expected {expected} ({shape}).", name);
    }

    // A buffer that may be empty (meaning zeros / not wanted) or exactly `expected` long.
    public static void RequireEmptyOr(int actual, int expected, string name, string shape)
    {
        if (actual != 0 && actual != expected)
            throw new ArgumentException($"{name} has {actual} elements; expected 0 or {expected} ({shape}).", name);
    }

    // A buffer present only for LSTM (state c): `expected` long (or empty when `optional`) for LSTM, empty otherwise.
    public static void RequireCellState(in RnnCellSpec cell, int actual, int expected, string name, bool optional)
    {
        if (!cell.HasCellState)
            RequireLength(actual, 0, name, "empty: only Lstm has a cell state");
        else if (optional)
            RequireEmptyOr(actual, expected, name, "(B, H)");
        else
            RequireLength(actual, expected, name, "(B, H)");
    }

    public static void ValidateLengths(ReadOnlySpan<int> lengths, int batch, int steps)
    {
        RequireEmptyOr(lengths.Length, batch, "lengths", "(B) sequence lengths");
        for (int b = 0; b < lengths.Length; b++)
            if ((uint)lengths[b] > (uint)steps)
                throw new ArgumentException(
                    $"Sequence length {lengths[b]} of example {b} is outside [0, {steps}] (T = {steps}).", nameof(lengths));
    }
}
