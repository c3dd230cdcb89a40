namespace RnnNative.Training;

/// <summary>
/// The resume block of a version-3 checkpoint payload, after the variables: byte 0 (none) or 1, then
/// int32 epoch, int32 batch, int64 step, uint64 shuffle seed, float64 epoch loss sum; int64 optimizer step,
/// two float32 arrays (int32 length + values: the optimizer's slots); int32 count and (name, int64 masks drawn)
/// per dropout op; byte 0/1 and, with 1, int32 best epoch, float64 best value, int32 epochs without improvement;
/// int32 count and (key, value) strings of the caller's options.
/// </summary>
internal static class ResumeStateFormat
{
    public static void Write(BinaryWriter w, ResumeState? state)
    {
        w.Write(state is null ? (byte)0 : (byte)1);
        if (state is null) return;
        var p = state.Position;
        w.Write(p.Epoch);
        w.Write(p.Batch);
        w.Write(p.Step);
        w.Write(p.ShuffleSeed);
        w.Write(state.EpochLossSum);
        w.Write(state.Optimizer.Step);
        WriteFloats(w, state.Optimizer.Slot0);
        WriteFloats(w, state.Optimizer.Slot1);
        w.Write(state.DropoutSteps.Count);
        foreach (var (name, steps) in state.DropoutSteps.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.Write(name);
            w.Write(steps);
        }
        w.Write(state.Stopping is null ? (byte)0 : (byte)1);
        if (state.Stopping is { } s)
        {
            w.Write(s.BestEpoch);
            w.Write(s.BestValue);
            w.Write(s.EpochsWithoutImprovement);
        }
        CheckpointFormat.WriteStrings(w, state.RunOptions);
    }

    /// <summary>Reads the block of the checkpoint named <paramref name="source"/>.</summary>
    public static ResumeState? Read(BinaryReader r, string source)
    {
        Exception malformed(string problem) => CheckpointFormat.Malformed(source, problem);
        byte present = r.ReadByte();
        if (present == 0) return null;
        if (present != 1) throw malformed($"the resume block's marker is {present}");
        var position = new TrainingState(r.ReadInt32(), r.ReadInt32(), r.ReadInt64(), r.ReadUInt64());
        if (position.Epoch < 1 || position.Batch < 0 || position.Step < 0)
            throw malformed($"the resume position (epoch {position.Epoch}, batch {position.Batch}, step {position.Step}) is impossible");
        double lossSum = r.ReadDouble();
        long optimizerStep = r.ReadInt64();
        if (optimizerStep < 0) throw malformed($"the optimizer step {optimizerStep} is negative");
        var optimizer = new OptimizerState(ReadFloats(r, source), ReadFloats(r, source), optimizerStep);
        var dropout = new Dictionary<string, long>(StringComparer.Ordinal);
        int ops = CheckpointFormat.ReadCount(r, source, "dropout ops");
        for (int i = 0; i < ops; i++)
            if (!dropout.TryAdd(r.ReadString(), r.ReadInt64())) throw malformed("a dropout op appears twice");
        EarlyStoppingState? stopping = r.ReadByte() switch
        {
            0 => null,
            1 => new EarlyStoppingState(r.ReadInt32(), r.ReadDouble(), r.ReadInt32()),
            var b => throw malformed($"the early stopping marker is {b}"),
        };
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        int pairs = CheckpointFormat.ReadCount(r, source, "run options");
        for (int i = 0; i < pairs; i++)
            if (!options.TryAdd(r.ReadString(), r.ReadString())) throw malformed("a run option appears twice");
        return new ResumeState(position, lossSum, optimizer) { DropoutSteps = dropout, Stopping = stopping, RunOptions = options };
    }

    private static void WriteFloats(BinaryWriter w, float[] values)
    {
        w.Write(values.Length);
        foreach (float x in values) w.Write(x);
    }

    private static float[] ReadFloats(BinaryReader r, string source)
    {
        int count = r.ReadInt32();
        if (count < 0 || (long)count * sizeof(float) > r.BaseStream.Length - r.BaseStream.Position)
            throw CheckpointFormat.Malformed(source, $"an optimizer slot claims {count} values, more than the payload holds");
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = r.ReadSingle();
        return values;
    }
}
