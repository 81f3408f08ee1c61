// Package emulator is an in-process AWS that speaks the real wire protocols
// (restJson1, awsJson1.1, awsQuery and restXml) for the services orgbackup
// uses: AWS Backup, Organizations, IAM, STS, KMS, SNS, S3, EventBridge and
// the Resource Groups Tagging API. Unmodified SDK clients, the AWS CLI and any other SDK
// can talk to it; tests, examples and `orgbackup emulator serve` use it to
// run the real client path against an emulated organization, offline.
//
// Start one like an httptest server:
//
//	srv := emulator.NewServer()
//	defer srv.Close()
//	cfg := srv.Config("222222222222", "us-east-1")
//	client := backup.NewFromConfig(cfg)
//
// The caller's account comes from the access key: a 12-digit access key ID
// acts as that account; keys issued by AssumeRole act as the role's account.
// The region and service come from the SigV4 credential scope. State is in
// memory behind one mutex and is deterministic for a given seed and clock.
// Operations that are not emulated answer with an AWS-shaped error that
// names the service and operation.
//
// Once the SERVICE_CONTROL_POLICY type is enabled on the organization's
// root, every call by a principal of a member account is evaluated against
// the SCPs of its account, its OUs and the root, as AWS does; the
// management account and service-linked roles are exempt. An explicit
// Deny in a Backup vault's access policy or a KMS key policy binds the
// principals of the resource's own account as well. Sessions from
// AssumeRole with SerialNumber and TokenCode (any six digits) carry MFA
// into the request context of their calls.
package emulator

import (
	"crypto"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// DefaultSecretKey is the secret access key that Config hands out with
// 12-digit access key IDs. The emulator cannot know the secret of such keys,
// so it does not verify their signatures; it does verify the signatures of
// the temporary credentials it issues.
const DefaultSecretKey = "orgbackup-emulator-secret"

// Options configure a Server. The zero value is usable: DefaultOrganization,
// seed 1, a clock starting at 2026-01-01T00:00:00Z.
type Options struct {
	// Organization is the emulated organization; nil means
	// DefaultOrganization().
	Organization *Organization
	// Seed makes generated identifiers deterministic. Default 1.
	Seed int64
	// Start is the initial time of the virtual clock. Default
	// 2026-01-01T00:00:00Z.
	Start time.Time
	// Logger receives one debug line per request. Default: discard.
	Logger *slog.Logger
	// RemoteControl lets the control API answer requests addressed by a
	// host name that is not loopback (an emulator served to other
	// machines). Default false: such requests are refused, so that a web
	// page cannot reach the control API by DNS rebinding.
	RemoteControl bool
	// Addr is the address Start listens on when Server.Listener is nil.
	// Default "127.0.0.1:0" (a free loopback port).
	Addr string
	// AnyAccessKey lets requests signed with an access key that is
	// neither 12 digits nor issued by the emulator act as DefaultAccount,
	// a convenience for clients configured with placeholder keys. Default
	// false: such a key fails as an unknown key does on AWS
	// (UnrecognizedClientException, InvalidClientTokenId for the query
	// protocols), so a client pointed at the emulator by mistake, or with
	// the wrong key, is told so instead of acting as the management
	// account.
	AnyAccessKey bool
	// DefaultAccount is the account used, with AnyAccessKey, for requests
	// whose access key is neither a 12-digit account ID nor a key issued
	// by the emulator. Default: the organization's management account.
	DefaultAccount string
	// MemberRole is the role created in every member account at start,
	// trusting the management account, as Organizations creates
	// OrganizationAccountAccessRole in the accounts it creates. Default
	// DefaultMemberRole; "-" creates none.
	MemberRole string
	// OIDCIssuers are the OpenID Connect identity providers whose tokens
	// AssumeRoleWithWebIdentity accepts, keyed by issuer URL (the token's
	// "iss" claim, e.g. "https://token.actions.githubusercontent.com"),
	// each with the public key that verifies its tokens: *rsa.PublicKey
	// for RS256 or *ecdsa.PublicKey for ES256. Every account behaves as if
	// it had registered each issuer as the IAM OIDC provider
	// arn:aws:iam::ACCOUNT:oidc-provider/ISSUER (issuer without
	// "https://"). Default: none, so every web identity token is rejected.
	OIDCIssuers map[string]crypto.PublicKey
}

// Server is an emulated AWS endpoint, in the style of httptest.Server:
// NewServer returns one listening on loopback; NewUnstartedServer one that
// does not listen yet, to be started with Start (after setting Listener,
// say) or used as an http.Handler.
type Server struct {
	// URL is the base URL of the server, "http://127.0.0.1:PORT", once it
	// listens.
	URL string
	// Listener, if set before Start, is where the server listens instead
	// of Options.Addr.
	Listener net.Listener

	opts    Options
	logger  *slog.Logger
	httpSrv *httptest.Server
	client  *http.Client // of the configs Config returns

	services map[string]*service // by SigV4 signing name
	faults   faultState

	mu  sync.RWMutex // guards everything below; read-only operations share it
	now time.Time
	ids *idGen
	org *orgState
	// budgetsData holds AWS Budgets' state (budgets.go); nil until used.
	budgetsData *budgetsState
	sessions    map[string]*session // by access key ID
	iam         map[string]*iamAccount
	kms         map[regionKey]*kmsRegion
	sns         map[regionKey]*snsRegion
	ram         map[regionKey]*ramRegion // created on first use (ram.go)
	s3          *s3State
	backup      map[regionKey]*backupRegion
	// regionJobs indexes every account's jobs per region, for the
	// organization-wide job lists.
	regionJobs map[string]*jobIndexes
	res        map[regionKey]*resourceRegion
	// configRecorders are the AWS Config recorders that differ from the
	// fixture's (configrecorder.go); a nil entry is none.
	configRecorders map[regionKey]*configRecorder
	hooks           []func(c *Call) error
	// orgMembers are the accounts of Options.Organization, management
	// account included, read once at NewUnstartedServer.
	orgMembers map[string]bool
	// noConfigRecorder are the accounts whose fixture entry sets
	// NoConfigRecorder.
	noConfigRecorder map[string]bool

	// policyCache holds parsed resource, trust and service control
	// policies by content, guarded by policyCacheMu (not mu).
	policyCacheMu sync.Mutex
	policyCache   map[policyKey]*policyDocument
	engine        *engine // virtual time: event queue, jobs, lifecycle

	// events is EventBridge per account and Region (events.go).
	events map[regionKey]*eventsRegion
	// snsDeliveries and eventFailures record what SNS delivered and what
	// EventBridge could not (sns_delivery.go, events_targets.go).
	snsDeliveries []SNSDelivery
	eventFailures []EventTargetFailure
}

// regionKey identifies one account in one region.
type regionKey struct{ account, region string }

// NewUnstartedServer returns an emulator that is not listening yet, like
// httptest.NewUnstartedServer: start it with Start, or serve it with any
// http.Server, as an http.Handler.
func NewUnstartedServer(optFns ...func(*Options)) *Server {
	var o Options
	for _, fn := range optFns {
		fn(&o)
	}
	if o.Organization == nil {
		o.Organization = DefaultOrganization()
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Start.IsZero() {
		o.Start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.MemberRole == "" {
		o.MemberRole = DefaultMemberRole
	}
	if o.DefaultAccount == "" {
		o.DefaultAccount = o.Organization.ManagementAccount
	}
	s := &Server{
		opts:       o,
		logger:     o.Logger,
		now:        o.Start.UTC(),
		ids:        newIDGen(o.Seed),
		sessions:   map[string]*session{},
		iam:        map[string]*iamAccount{},
		kms:        map[regionKey]*kmsRegion{},
		sns:        map[regionKey]*snsRegion{},
		s3:         newS3State(),
		backup:     map[regionKey]*backupRegion{},
		regionJobs: map[string]*jobIndexes{},
		res:        map[regionKey]*resourceRegion{},
		client:     newClient(),
	}
	s.orgMembers = map[string]bool{o.Organization.ManagementAccount: true}
	for _, a := range o.Organization.accountIDs() {
		s.orgMembers[a] = true
	}
	s.noConfigRecorder = o.Organization.accountsWhere(func(a Account) bool { return a.NoConfigRecorder })
	s.org = newOrgState(s, o.Organization)
	s.createMemberRolesLocked()
	s.services = s.buildServices()
	return s
}

// NewServer starts an emulator listening on Options.Addr (default a free
// loopback port), like httptest.NewServer; it panics when it cannot
// listen. Close it when done.
func NewServer(optFns ...func(*Options)) *Server {
	s := NewUnstartedServer(optFns...)
	s.Start()
	return s
}

// Start starts a server from NewUnstartedServer, on Listener when set,
// else on Options.Addr. Like httptest.Server.Start, it panics when it
// cannot listen or the server was already started: a program that must
// handle a busy address listens itself and sets Listener.
func (s *Server) Start() {
	if s.httpSrv != nil {
		panic("emulator: Server already started")
	}
	l := s.Listener
	if l == nil {
		var err error
		if l, err = net.Listen("tcp", s.opts.Addr); err != nil {
			panic(fmt.Sprintf("emulator: listening on %s: %v", s.opts.Addr, err))
		}
		s.Listener = l
	}
	s.httpSrv = &httptest.Server{Listener: l, Config: &http.Server{Handler: s}}
	s.httpSrv.Start()
	s.URL = s.httpSrv.URL
}

// Close stops a started server; it does nothing to one never started.
func (s *Server) Close() {
	if s.httpSrv != nil {
		s.httpSrv.Close()
	}
	s.client.CloseIdleConnections()
}

// newClient is the HTTP client of the configs Config returns. It keeps
// enough idle connections to the server for a fan-out's concurrency:
// http.DefaultTransport keeps two per host, so a planner calling with 64
// goroutines would otherwise dial (and leave in TIME_WAIT) a new
// connection for most calls.
func newClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil // the server is on loopback: never through a proxy
	t.MaxIdleConns = 0
	t.MaxIdleConnsPerHost = 512
	return &http.Client{Transport: t}
}

// Config returns an aws.Config for account and region pointed at the server:
// static credentials whose access key ID is the account ID, the server's URL
// as base endpoint, and no retries beyond the SDK's standard ones. Every SDK
// v2 client, S3 included, can use it as is (the loopback IP endpoint makes
// S3 use path-style addressing).
func (s *Server) Config(account, region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(account, DefaultSecretKey, ""),
		BaseEndpoint: aws.String(s.URL),
		HTTPClient:   s.client,
	}
}

// Now returns the emulator's virtual time.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now
}

// OnCall registers a hook that runs before every operation, with the
// server's lock held. Returning an error fails the call with that error
// (use it for fault injection in tests); hooks run in registration order.
func (s *Server) OnCall(hook func(c *Call) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks = append(s.hooks, hook)
}
