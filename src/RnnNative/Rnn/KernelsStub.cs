// Temporary until the fused kernels land: the cell kinds the kernels will run.
namespace RnnNative.Kernels;

/// <summary>The recurrent cell a fused kernel runs.</summary>
public enum RnnCellKind { BasicTanh, BasicRelu, Lstm, Gru }
