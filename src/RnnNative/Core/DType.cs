namespace RnnNative;

/// <summary>Element type of a tensor or node.</summary>
public enum DType
{
    /// <summary>32-bit float.</summary>
    Float32,
    /// <summary>32-bit signed integer (labels, lengths, indices).</summary>
    Int32,
    /// <summary>Boolean, stored as 0/1 floats (results of InTopK, Equal).</summary>
    Bool,
}
