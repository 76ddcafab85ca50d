-- Runs once, when the PostgreSQL volume is created (POSTGRES_DB made chatmesh_users already).
-- One database per service that keeps state in PostgreSQL (docs/production.md), owned by the role
-- the services log in with; Flyway creates the tables at each service's first start.
CREATE DATABASE chatmesh_chat OWNER chatmesh;
-- a relay whose instance vanished must not keep its rooms locked (docs/production.md, Kafka)
ALTER ROLE chatmesh SET idle_in_transaction_session_timeout = '30s';
