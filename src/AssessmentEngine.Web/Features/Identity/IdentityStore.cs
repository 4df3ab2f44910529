using Marten;

namespace AssessmentEngine.Web.Features.Identity;

public static class IdentityStore
{
    public static StoreOptions ConfigureIdentity(this StoreOptions options)
    {
        options.Schema.For<Centre>().UniqueIndex(c => c.Number);
        options.Schema.For<UserAccount>().UniqueIndex(a => a.SignInName);
        options.Schema.For<Invitation>().Index(i => i.UserId).Index(i => i.CentreId);
        options.Schema.For<SigningIn.SignInThrottle>().Index(t => t.SignInName);
        options.Schema.For<Candidate>().UniqueIndex(c => c.CentreId, c => c.CandidateNumber).Index(c => c.UserId);
        options.Schema.For<AuditEntry>().Index(e => e.At);
        options.Schema.For<EndedSession>().Index(e => e.UserId);
        options.Events.AddEventTypes(Audit.EventTypes);
        return options;
    }
}
