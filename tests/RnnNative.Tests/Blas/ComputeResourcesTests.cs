using RnnNative.Blas;

namespace RnnNative.Tests.Blas;

/// <summary>What a session's ops compute with: which GEMM, how many parts, for each threading choice.</summary>
public class ComputeResourcesTests
{
    private sealed class PartRecorder(int parts) : IPartJob
    {
        public readonly int[] Runs = new int[parts];

        public void Run(int part) => Interlocked.Increment(ref Runs[part]);
    }

    [Theory]
    [InlineData(RnnThreading.Auto)]
    [InlineData(RnnThreading.BatchSplit)]
    public void SeveralThreadsCutTheWorkAndCallTheSingleThreadedSibling(RnnThreading threading)
    {
        using var blas = BlasBackend.Create(BlasKind.Managed, threads: 3);
        using var compute = new ComputeResources(blas, threading);
        Assert.Equal(3, compute.Parts);
        Assert.NotSame(blas, compute.Gemm);
        Assert.Equal(BlasKind.Managed, compute.Gemm.Kind);
        Assert.Equal(1, compute.Gemm.Threads);
        var job = new PartRecorder(3);
        compute.Run(job);
        compute.Run(job);
        Assert.Equal([2, 2, 2], job.Runs);
    }

    [Theory]
    [InlineData(1, RnnThreading.Auto)]
    [InlineData(1, RnnThreading.BatchSplit)]
    [InlineData(2, RnnThreading.BlasThreads)]
    public void OtherwiseOnePartCallsTheBackendItself(int threads, RnnThreading threading)
    {
        using var blas = BlasBackend.Create(BlasKind.Managed, threads);
        using var compute = new ComputeResources(blas, threading);
        Assert.Equal(1, compute.Parts);
        Assert.Same(blas, compute.Gemm);
        var job = new PartRecorder(1);
        compute.Run(job);
        Assert.Equal([1], job.Runs);
        Assert.Equal(0, compute.HelperAllocatedBytes);
    }

    [Fact]
    public void RunAfterDisposeThrows()
    {
        using var blas = BlasBackend.Create(BlasKind.Managed);
        var compute = new ComputeResources(blas, parts: 2);
        compute.Run(new PartRecorder(2));
        compute.Dispose();
        Assert.Throws<ObjectDisposedException>(() => compute.Run(new PartRecorder(2)));
    }

    [Fact]
    public void ASessionsOpsGetItsComputeResources()
    {
        var g = new Graph();
        var a = g.Constant(Tensor.FromArray([1f, 2f, 3f, 4f], [2, 2]));
        var product = Ops.MatMul(a, a);
        using var blas = BlasBackend.Create(BlasKind.Managed, threads: 2);
        using var session = new Session(g, new SessionOptions { Blas = blas });
        Assert.Equal(2, session.Compute.Parts);
        Assert.Equal(1, session.Compute.Gemm.Threads);
        Assert.Equal([7f, 10f, 15f, 22f], session.Run(product)!.ToFloatArray());
    }
}
