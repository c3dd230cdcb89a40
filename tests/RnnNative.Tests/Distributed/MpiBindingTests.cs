using RnnNative.Distributed;
using RnnNative.Distributed.Native;

namespace RnnNative.Tests.Distributed;

/// <summary>
/// The binding without initialising MPI in the test process (real MPI runs are in <see cref="MpiJobTests"/>, in
/// child processes): load failures and the checks that run before any pointer reaches libmpi.
/// </summary>
public sealed class MpiBindingTests
{
    [Fact]
    public void LoadFailureListsEveryPathTriedAndTheFix()
    {
        string[] candidates = ["libmpi-rnnnative-bogus.so.99", "/nonexistent/openmpi/libmpi.so.40", "libc.so.6"];
        var e = Assert.Throws<MpiLibraryNotFoundException>(() => MpiNativeMethods.Open(candidates));
        Assert.Equal(3, e.Attempts.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.StartsWith(candidates[i] + ": ", e.Attempts[i]);
            Assert.Contains(candidates[i], e.Message);
        }
        Assert.Contains("cannot open shared object file", e.Attempts[0]);
        Assert.Contains("not Open MPI", e.Attempts[2]); // libc loads but has no ompi_mpi_comm_world
        Assert.Contains("dotnet pwsh build.ps1 deps", e.Message);
        Assert.Contains("apt-get install openmpi-bin libopenmpi3", e.Message);
    }

    [Fact]
    public void MismatchedLengthsThrowBeforeNativeCode()
    {
        var e = Assert.Throws<ArgumentException>(() => Mpi.AllReduceSum(new float[3], new float[4]));
        Assert.Contains("3 elements but the receive buffer 4", e.Message);
        var buffer = new float[8];
        Assert.Throws<ArgumentException>(() => Mpi.AllReduceSum(buffer.AsSpan(0, 4), buffer.AsSpan(2, 4)));
    }

    [Fact]
    public void BroadcastRootOutsideTheJobThrowsBeforeNativeCode()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Mpi.Broadcast(new float[3], root: 2, size: 2));
        Assert.Equal("root", e.ParamName);
    }

    [Fact]
    public void CollectivesBeforeInitializeAreAClearError()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Mpi.AllReduceSum(new float[3]));
        Assert.Contains("MpiCommunicator.Initialize()", e.Message);
        Assert.Throws<InvalidOperationException>(() => Mpi.Broadcast(new float[3], root: 0, size: 1));
        Assert.Throws<InvalidOperationException>(Mpi.Barrier);
    }
}
