using RnnNative.Distributed;

namespace RnnNative.Tests.Distributed;

public sealed class SingleProcessCommunicatorTests
{
    private static readonly ICommunicator Comm = SingleProcessCommunicator.Instance;

    [Fact]
    public void IsRankZeroOfOne()
    {
        Assert.Equal((0, 1, true), (Comm.Rank, Comm.Size, Comm.IsRoot));
    }

    [Fact]
    public void CollectivesLeaveTheDataAsItIs()
    {
        float[] data = [1.5f, -2f, 3f];
        double[] sums = [4.25, -1];
        Comm.AllReduceMean(data);
        Comm.AllReduceSum(data);
        Comm.Broadcast(data);
        Comm.AllReduceSum(sums);
        Comm.Barrier();
        Assert.Equal([1.5f, -2f, 3f], data);
        Assert.Equal([4.25, -1], sums);
    }

    [Fact]
    public void BroadcastFromAnotherRankIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Comm.Broadcast(new float[2], root: 1));
        Assert.Equal("root", e.ParamName);
    }

    [Fact]
    public void WithoutMpirunCreateGivesTheSingleProcessCommunicator()
    {
        if (Communicator.LaunchedByMpirun) return; // this test process itself runs under mpirun: nothing to check
        Assert.Same(SingleProcessCommunicator.Instance, Communicator.Create());
        Assert.Same(SingleProcessCommunicator.Instance, Communicator.Create(useMpi: false));
    }

    [Fact]
    public void GradientAveragerAveragesOverOneRank()
    {
        float[] g = [2f, -4f];
        new GradientAverager(Comm).Reduce(g);
        Assert.Equal([2f, -4f], g);
    }
}
