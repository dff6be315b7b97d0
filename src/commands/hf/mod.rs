//! Hugging Face Hub: a small blocking client for a repo's refs and tags, and
//! the plan that makes each channel repo's tags match the manifests (SPEC 9).
//!
//! [`http`] is the one request path: every call goes through it, and it
//! owns what SPEC 9 requires of requests to an untrusted server (redirects,
//! where the token goes, timeouts, the retry budget, the 32 MiB answer cap);
//! [`endpoint`] checks the endpoint URL and shows URLs without credentials;
//! [`client`] speaks the Hub's API (refs, revision info, create and delete a
//! tag, paths-info, a download) on top of it, [`files`] reads what it says
//! of files, [`error`] the errors that say what to do;
//! [`auth`] finds the token and the endpoint the way `huggingface_hub` does;
//! [`plan`] is pure: from the tags the manifests want and the tags a repo has,
//! it decides per tag whether to create it, leave it, report a conflict or
//! list it as unmanaged; [`sync`] runs the plans against a [`Client`]. The
//! command, `commands::hf_sync`, chooses the repos and shows the results.
//! [`verify`] checks the manifests' revisions and artifacts against the Hub
//! (`cadence verify`, SPEC 11).
//!
//! Part of the commands layer.

pub mod auth;
pub mod client;
pub mod endpoint;
pub mod error;
pub mod files;
pub mod http;
pub mod plan;
pub mod request;
pub mod sync;
pub mod verify;

pub use auth::{DEFAULT_ENDPOINT, resolve_endpoint, resolve_token};
pub use client::{Client, GitRef, Refs};
pub use endpoint::Endpoint;
pub use error::HubError;
pub use http::{Notice, Settings};
pub use plan::{Action, Row, Wanted, plan_repo, wanted_tags};
pub use sync::{Counts, Event, Options, RepoPlan};
