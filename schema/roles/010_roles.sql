-- Database roles, run once per cluster by whoever administers it (./postgis.sh, the compose db container's
-- init, or a DBA), never by the service: the service must not be able to grant itself anything.
--   dispatch_app   NOLOGIN group: what the running service may do (migration 040 grants it; it cannot
--                  UPDATE, DELETE or TRUNCATE the audit log or the event log)
--   dispatch       the service's login for local and demo use; production creates its own login IN ROLE dispatch_app
-- Migrations run as the database owner (ConnectionStrings:DispatchOwner), which is not dispatch.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dispatch_app') THEN
        CREATE ROLE dispatch_app NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dispatch') THEN
        CREATE ROLE dispatch LOGIN PASSWORD 'dispatch' IN ROLE dispatch_app;
    ELSE
        -- Older local clusters made dispatch a superuser; the service login must be an ordinary role.
        ALTER ROLE dispatch NOSUPERUSER NOCREATEDB NOCREATEROLE;
        GRANT dispatch_app TO dispatch;
    END IF;
END
$$;
