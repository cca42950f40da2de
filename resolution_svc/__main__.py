from resolution_svc.app import SERVICE, create_app
from resolution_svc.settings import Settings
from servicekit.main import serve

if __name__ == "__main__":
    serve(SERVICE, Settings, create_app)
