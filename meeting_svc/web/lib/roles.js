// The signed-in participant's role as the participant page's views ask about it: what a chair, the
// staff or a department's representative sees and may do. Kept here, not in one of the views, so that
// no view imports another for them.

import { state } from "./state.js";

export const STAFF = new Set(["chair", "secretary"]); // "organiser" is no participant role
// The roles that hold a vote of their own, and so may hand it to a proxy or hold one.
export const VOTING = new Set(["voting_member", "department_representative"]);

export const chairs = () => state.me.role === "chair";
export const representing = () => state.me.role === "department_representative" && state.me.department_id;
