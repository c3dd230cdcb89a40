namespace RnnNative.Distributed;

/// <summary>Parameter synchronisation of a session across ranks.</summary>
public static class SessionBroadcast
{
    /// <summary>
    /// Copies rank <paramref name="root"/>'s variable values (the session's whole parameter slab, one broadcast)
    /// into every rank's session. Call it on every rank after running the initializer (or restoring a checkpoint on
    /// the root), so all ranks start from the same parameters.
    /// </summary>
    public static void BroadcastParameters(this ICommunicator communicator, Session session, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(session);
        communicator.Broadcast(session.Parameters.Values, root);
    }
}
